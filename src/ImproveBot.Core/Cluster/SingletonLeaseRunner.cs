using Microsoft.Extensions.Logging;

namespace ImproveBot.Core.Cluster;

/// <summary>How a <see cref="SingletonLeaseRunner"/> paces itself.</summary>
/// <param name="Duration">How long one acquisition or renewal holds the lease; also the longest a takeover waits after a holder dies.</param>
/// <param name="RenewEvery">How often the holder renews; well under <paramref name="Duration"/>, so one failed renewal is survivable.</param>
/// <param name="RetryEvery">How often an instance that does not hold the lease tries to take it.</param>
public sealed record SingletonLeaseTiming(TimeSpan Duration, TimeSpan RenewEvery, TimeSpan RetryEvery)
{
    /// <summary>30 s leases renewed every 10 s; standbys try every 5 s.</summary>
    public static SingletonLeaseTiming Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));
}

/// <summary>
/// Runs a piece of work on exactly one instance at a time: waits for the lease, runs the work while renewing it, and
/// cancels the work as soon as the lease cannot be renewed (another instance may take it from then on).
/// </summary>
/// <remarks>
/// The work gets a token that is cancelled when the lease is lost or the caller stops; it should return promptly
/// then. When it returns on its own, the lease is released and the runner competes for it again (so a Gateway
/// connection that closed is reopened by whichever instance wins). A failed renewal counts as lost only once the
/// lease would have expired: a database blip shorter than that does not interrupt the work. The waits run on the
/// injected <see cref="TimeProvider"/> so tests drive them with a fake clock.
/// </remarks>
public sealed partial class SingletonLeaseRunner(ISingletonLease lease, TimeProvider time, ILogger<SingletonLeaseRunner> logger)
{
    /// <summary>Competes for <paramref name="name"/> and runs <paramref name="work"/> whenever it is held, until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(string name, Func<CancellationToken, Task> work, SingletonLeaseTiming timing, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (await TryAcquireAsync(name, timing, ct) == Attempt.Held)
            {
                LogAcquired(logger, name);
                await RunHoldingAsync(name, work, timing, ct);
            }
            // Also after the work ended: work that fails at once must not turn this into a busy loop.
            if (!await WaitAsync(timing.RetryEvery, ct)) break;
        }
    }

    private async Task RunHoldingAsync(string name, Func<CancellationToken, Task> work, SingletonLeaseTiming timing, CancellationToken ct)
    {
        using var held = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heldUntil = time.GetUtcNow() + timing.Duration;
        var running = Task.Run(() => work(held.Token), CancellationToken.None);
        var lost = false;
        while (!running.IsCompleted && !ct.IsCancellationRequested)
        {
            await Task.WhenAny(running, WaitAsync(timing.RenewEvery, ct));
            if (running.IsCompleted || ct.IsCancellationRequested) break;
            var renewal = await TryAcquireAsync(name, timing, ct);
            if (renewal == Attempt.Held)
            {
                heldUntil = time.GetUtcNow() + timing.Duration;
                continue;
            }
            // Someone else holds it now, or the database did not answer and the lease may expire before the next
            // try: stop the work before the lease can pass to another instance, so two holders never overlap.
            // A failure with time to spare (a database blip) is retried at the next tick.
            if (renewal == Attempt.TakenByOther || time.GetUtcNow() + timing.RenewEvery >= heldUntil)
            {
                lost = true;
                break;
            }
        }

        await held.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogWorkFailed(logger, name, ex);
        }

        if (lost)
        {
            LogLost(logger, name);
            return;
        }
        try
        {
            await lease.ReleaseAsync(name, CancellationToken.None);
            LogReleased(logger, name);
        }
        catch (Exception ex)
        {
            // It expires on its own; the next holder waits one lease duration at most.
            LogReleaseFailed(logger, name, ex.Message);
        }
    }

    private enum Attempt
    {
        Held,
        TakenByOther,
        Failed,
    }

    private async Task<Attempt> TryAcquireAsync(string name, SingletonLeaseTiming timing, CancellationToken ct)
    {
        try
        {
            return await lease.TryAcquireAsync(name, timing.Duration, ct) ? Attempt.Held : Attempt.TakenByOther;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Attempt.Failed; // stopping: the callers see the token and wind down (releasing what they hold)
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogAcquireFailed(logger, name, ex.Message);
            return Attempt.Failed;
        }
    }

    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance now holds the singleton lease {Name}")]
    private static partial void LogAcquired(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the singleton lease {Name}; its work was stopped")]
    private static partial void LogLost(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released the singleton lease {Name}")]
    private static partial void LogReleased(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the singleton lease {Name} (it will expire): {Error}")]
    private static partial void LogReleaseFailed(ILogger logger, string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not take or renew the singleton lease {Name}: {Error}")]
    private static partial void LogAcquireFailed(ILogger logger, string name, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The work under singleton lease {Name} failed")]
    private static partial void LogWorkFailed(ILogger logger, string name, Exception exception);
}
