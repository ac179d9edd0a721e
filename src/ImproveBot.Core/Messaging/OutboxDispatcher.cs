using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Core.Messaging;

/// <summary>Tuning of the outbox dispatcher.</summary>
public sealed record OutboxPolicy(int BatchSize = 50, int MaxAttempts = 8, TimeSpan? Lease = null, TimeSpan? MaxBackoff = null)
{
    public TimeSpan LeaseDuration => Lease ?? TimeSpan.FromMinutes(2);

    /// <summary>No send starts in the last quarter of a lease: one send (with its in-client retries) must fit in what is left.</summary>
    public TimeSpan LeaseSafetyMargin => LeaseDuration / 4;
    public TimeSpan MaxBackoffDuration => MaxBackoff ?? TimeSpan.FromMinutes(15);
}

/// <summary>
/// Sends what the outbox holds through the platform each message belongs to, with retries, backoff and
/// the platform's <c>Retry-After</c>; a prompt's delivery is marked sent only once the platform accepted it.
/// </summary>
public sealed partial class OutboxDispatcher(
    IOutbox outbox,
    IRoundStore rounds,
    IUnitOfWork unitOfWork,
    IEnumerable<IChatPlatform> platforms,
    OutboxPolicy policy,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    private readonly Dictionary<string, IChatPlatform> _platforms =
        platforms.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Sends due messages until none is left or <paramref name="maxBatches"/> batches ran; returns how many were sent.</summary>
    /// <param name="ct">Aborts everything, a send in progress included.</param>
    /// <param name="stopping">
    /// Ends the pass between two sends: the send in progress finishes and is recorded, and the rest of the claimed
    /// batch is released for another instance at once instead of waiting out its lease. A host that is shutting
    /// down passes its stopping token here, so a deploy neither cuts a send in half nor strands a batch.
    /// </param>
    public async Task<int> DispatchDueAsync(CancellationToken ct, int maxBatches = 20, CancellationToken stopping = default)
    {
        var sent = 0;
        for (var batch = 0; batch < maxBatches && !stopping.IsCancellationRequested; batch++)
        {
            var now = time.GetUtcNow();
            var claimed = await outbox.ClaimDueAsync(now, now + policy.LeaseDuration, policy.BatchSize, ct);
            if (claimed.Count == 0) break;
            for (var i = 0; i < claimed.Count; i++)
            {
                var entry = claimed[i];
                // Past this point the lease could run out mid-send and another instance send the message too: a batch
                // slowed by rate limits gives its unsent rest back instead (the next claim takes them with a fresh lease).
                if (stopping.IsCancellationRequested || time.GetUtcNow() >= entry.LeaseUntil - policy.LeaseSafetyMargin)
                {
                    await ReleaseRestAsync(claimed, i, ct);
                    break;
                }
                if (await SendOneAsync(entry, ct)) sent++;
            }
        }
        return sent;
    }

    private async Task ReleaseRestAsync(IReadOnlyList<OutboxEntry> claimed, int from, CancellationToken ct)
    {
        for (var i = from; i < claimed.Count; i++) await outbox.ReleaseAsync(claimed[i].Claim, ct);
        LogReleased(logger, claimed.Count - from);
    }

    private async Task<bool> SendOneAsync(OutboxEntry entry, CancellationToken ct)
    {
        var key = entry.Message.IdempotencyKey;
        if (!_platforms.TryGetValue(entry.Message.Destination.Platform, out var platform))
        {
            LogNoPlatform(logger, key, entry.Message.Destination.Platform);
            await outbox.MarkFailedAsync(entry.Claim, $"No platform '{entry.Message.Destination.Platform}' is configured.", ct);
            return false;
        }

        try
        {
            // A send may not outlive its claim: once the lease is over another instance may claim the row, find nothing
            // in the DM yet and post, so a send still waiting (a 429's Retry-After, a retry's backoff) must stop then.
            var leaseLeft = entry.LeaseUntil - time.GetUtcNow();
            using var leaseOver = new CancellationTokenSource(leaseLeft > TimeSpan.Zero ? leaseLeft : TimeSpan.Zero, time);
            using var sending = CancellationTokenSource.CreateLinkedTokenSource(ct, leaseOver.Token);
            // A second attempt does not know how the first ended; the platform may check before sending again.
            await platform.SendAsync(entry.Attempts > 1 ? entry.Message with { MayHaveBeenSent = true } : entry.Message, sending.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Anything but an explicit permanent refusal may pass on retry (network, 5xx, a platform bug);
            // MaxAttempts bounds it so a poison message cannot be retried forever.
            var transient = ex is not ChatDeliveryException { IsTransient: false };
            var attempts = entry.Attempts;
            if (!transient || attempts >= policy.MaxAttempts)
            {
                LogGaveUp(logger, key, attempts, ex.Message);
                await outbox.MarkFailedAsync(entry.Claim, ex.Message, ct);
                return false;
            }
            var delay = (ex as ChatDeliveryException)?.RetryAfter ?? Backoff(attempts);
            LogWillRetry(logger, key, attempts, delay.TotalSeconds, ex.Message);
            await outbox.MarkRetryAsync(entry.Claim, time.GetUtcNow() + delay, ex.Message, ct);
            return false;
        }

        var now = time.GetUtcNow();
        // The prompt's delivery is recorded before the outbox row is closed, never after: a crash between the two then
        // leaves the row claimed, so once its lease is over another dispatcher takes it, finds the message already in
        // the DM and closes it. The other order lost the record for good (row sent, delivery never marked).
        if (entry.Delivery is { } d && await rounds.FindDeliveryAsync(d.RoundId, d.MemberId, ct) is { } delivery)
        {
            delivery.MarkSent(now);
            await unitOfWork.SaveChangesAsync(ct);
        }
        if (!await outbox.MarkSentAsync(entry.Claim, now, ct))
        {
            // Sent, but the lease had run out and another dispatcher holds the row now: it may send it again. Rare
            // (the safety margin above stops sends near the end of a lease), and worth a warning when it happens.
            LogLeaseLost(logger, key);
        }
        return true;
    }

    // Exponential with full jitter: spreads retries of a large fan-out instead of hammering in lockstep.
    private TimeSpan Backoff(int attempts)
    {
        var ceiling = Math.Min(policy.MaxBackoffDuration.TotalSeconds, Math.Pow(2, Math.Min(attempts, 20)));
        return TimeSpan.FromSeconds(Math.Max(1, Random.Shared.NextDouble() * ceiling));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {Key} is for platform {Platform}, which is not configured; giving up")]
    private static partial void LogNoPlatform(ILogger logger, string key, string platform);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending {Key} failed (attempt {Attempts}); retrying in {DelaySeconds:F1}s: {Error}")]
    private static partial void LogWillRetry(ILogger logger, string key, int attempts, double delaySeconds, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} claimed outbox messages unsent (stopping, or their lease is nearly over)")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sent {Key} after its claim had expired; another dispatcher may send it again")]
    private static partial void LogLeaseLost(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Giving up on {Key} after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string key, int attempts, string error);
}
