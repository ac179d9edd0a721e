using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Testing;

/// <summary>Runs test code with services from a fresh scope, as one request or one job execution would get them.</summary>
public static class ScopedServices
{
    public static async Task<T> InScopeAsync<T>(this IServiceProvider services, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public static async Task InScopeAsync(this IServiceProvider services, Func<IServiceProvider, Task> action)
    {
        await using var scope = services.CreateAsyncScope();
        await action(scope.ServiceProvider);
    }
}
