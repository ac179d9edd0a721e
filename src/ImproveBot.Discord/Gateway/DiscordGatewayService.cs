using ImproveBot.Core.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Gateway;

/// <summary>
/// Runs the <see cref="DiscordGatewayClient"/> while the host runs, on one instance at a time: several instances on one
/// database compete for the <c>discord-gateway</c> lease, and the holder keeps the connection (Discord would deliver
/// each DM to every connection). When the holder dies, another takes the lease and connects. A Gateway that Discord
/// refuses for good (bad token, disallowed intents) stops alone: HTTP interactions keep working, and the log says what to fix.
/// </summary>
internal sealed partial class DiscordGatewayService(
    DiscordGatewayClient client,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<DiscordGatewayService> logger,
    ISingletonLease? lease = null) : BackgroundService
{
    public const string LeaseName = "discord-gateway";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        // Without a lease (no database registered, as in a bare Gateway host) the one process holds the connection.
        var runner = new SingletonLeaseRunner(lease ?? ProcessSingletonLease.Instance, time, loggers.CreateLogger<SingletonLeaseRunner>());
        try
        {
            await runner.RunAsync(LeaseName, async held =>
            {
                if (await client.RunAsync(held) != GatewayStopReason.Fatal) return;
                LogGatewayGivenUp(logger);
                await stop.CancelAsync(); // no other instance would fare better with the same token
            }, SingletonLeaseTiming.Default, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Never take the host down with the Gateway: the rest of the bot still works without it.
            LogGatewayCrashed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The Discord Gateway is stopped; plain DM replies are not received until the bot is restarted")]
    private static partial void LogGatewayGivenUp(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The Discord Gateway client failed unexpectedly and is stopped")]
    private static partial void LogGatewayCrashed(ILogger logger, Exception exception);
}

/// <summary>
/// Gives each DM its own DI scope and the <see cref="IDiscordDirectMessageHandler"/> registered in it, as the
/// Slack Socket Mode service does per envelope: the handler may use scoped services (the database).
/// </summary>
internal sealed class ScopedDirectMessageHandler(IServiceScopeFactory scopes) : IDiscordDirectMessageHandler
{
    public async Task HandleAsync(DiscordDirectMessage message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IDiscordDirectMessageHandler>().HandleAsync(message, cancellationToken);
    }
}
