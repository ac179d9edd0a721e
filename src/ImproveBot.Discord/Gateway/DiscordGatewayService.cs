using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Gateway;

/// <summary>
/// Runs the <see cref="DiscordGatewayClient"/> while the host runs. A Gateway that Discord refuses for good
/// (bad token, disallowed intents) stops alone: HTTP interactions keep working, and the log says what to fix.
/// </summary>
internal sealed partial class DiscordGatewayService(DiscordGatewayClient client, ILogger<DiscordGatewayService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (await client.RunAsync(stoppingToken) == GatewayStopReason.Fatal) LogGatewayGivenUp(logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
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
