using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Core;

/// <summary>
/// A scoped service resolved on first use rather than with its consumer: for the services only a few commands need,
/// so that an <c>/idea</c> (most of the traffic) does not build the reflection, digest and follow-up services and their
/// stores in every request's scope. Registered transient, so it takes no slot in the scope's own cache.
/// </summary>
internal sealed class Deferred<T>(IServiceProvider services) where T : notnull
{
    private T? _value;

    /// <summary>The scope's instance, resolved the first time it is asked for.</summary>
    public T Value => _value ??= services.GetRequiredService<T>();
}
