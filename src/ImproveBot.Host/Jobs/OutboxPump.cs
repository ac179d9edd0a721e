using ImproveBot.Core.Messaging;

namespace ImproveBot.Host.Jobs;

/// <summary>How often this instance drains the outbox; registered only when scheduling is on.</summary>
internal sealed record OutboxPumpOptions(TimeSpan Interval);

/// <summary>
/// Drains the outbox on this instance, every <see cref="OutboxPumpOptions.Interval"/>: every instance runs one, and
/// the outbox's row claims keep them from sending anything twice.
/// </summary>
/// <remarks>
/// Not a Quartz job on purpose: a clustered Quartz job runs on one instance at a time, which would leave the
/// others idle during a 10,000-message fan-out. Each pass is a fresh scope (a fresh DbContext), as a job execution
/// would get. On shutdown the pass ends between two sends and gives its unsent claims back for the other instances.
/// The pace is wall-clock time, like Quartz's; the dispatcher inside reads the injected clock.
/// </remarks>
internal sealed partial class OutboxPump(IServiceScopeFactory scopes, ILogger<OutboxPump> logger, OutboxPumpOptions? options = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options is null) return; // scheduling is off (tests drive the dispatcher themselves)
        using var timer = new PeriodicTimer(options.Interval, TimeProvider.System);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                // Sends are not cut by the stopping token (a send cut in half may have reached the platform, and would be
                // sent again); the host's shutdown timeout bounds the wait for the one in progress.
                await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(CancellationToken.None, stopping: stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be restarting; the next tick tries again, and claims expire on their own.
                LogPassFailed(logger, ex);
            }
        }
        while (await WaitForNextTickAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An outbox pass failed; trying again at the next tick")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
