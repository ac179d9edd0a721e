using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Core.Tests;

/// <summary>
/// Services only some commands need are resolved on first use (so an /idea does not build the digest, reflection and
/// follow-up services), and are still the scope's own instances when they are.
/// </summary>
public sealed class DeferredTests
{
    private sealed class Expensive
    {
        public static int Built;
        public Expensive() => Interlocked.Increment(ref Built);
    }

    private static ServiceProvider Services() => new ServiceCollection()
        .AddScoped<Expensive>()
        .AddTransient(typeof(Deferred<>))
        .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

    [Fact]
    public async Task ADeferredService_IsBuiltOnlyWhenAskedFor_AndIsTheScopesOwnInstance()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var before = Expensive.Built;

        var deferred = scope.ServiceProvider.GetRequiredService<Deferred<Expensive>>();
        Assert.Equal(before, Expensive.Built);

        var first = deferred.Value;
        Assert.Same(first, deferred.Value);
        Assert.Same(first, scope.ServiceProvider.GetRequiredService<Expensive>());
        Assert.Same(first, scope.ServiceProvider.GetRequiredService<Deferred<Expensive>>().Value);
        Assert.Equal(before + 1, Expensive.Built);

        await using var other = services.CreateAsyncScope();
        Assert.NotSame(first, other.ServiceProvider.GetRequiredService<Deferred<Expensive>>().Value);
    }
}
