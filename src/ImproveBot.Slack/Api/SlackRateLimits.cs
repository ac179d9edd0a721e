using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Slack.Api;

/// <summary>
/// Client-side budgets for Web API calls: one limiter per method (Slack's tiers) and, for <c>chat.postMessage</c>,
/// one per channel. A singleton, because the budget belongs to the workspace, not to one client instance.
/// </summary>
/// <remarks>
/// Slack counts the calls it receives, so staying under its limits here means fewer 429s and no burst of
/// retries. The limiters run on real time (System.Threading.RateLimiting has no TimeProvider), so every wait is
/// also bounded by <see cref="SlackApiPolicy.MaxPermitWait"/> on real time, and always by the caller's token.
/// A partitioned limiter is used because it replenishes every partition from one timer and drops idle
/// per-channel limiters on its own, so a workspace with thousands of DM channels does not keep thousands of timers.
/// </remarks>
internal sealed partial class SlackRateLimits : IDisposable
{
    private readonly SlackApiPolicy _policy;
    private readonly ILogger<SlackRateLimits> _logger;
    private readonly PartitionedRateLimiter<SlackCall> _limiter;

    public SlackRateLimits(SlackApiPolicy policy, ILogger<SlackRateLimits> logger)
    {
        _policy = policy;
        _logger = logger;
        _limiter = PartitionedRateLimiter.Create<SlackCall, string>(Partition);
    }

    /// <summary>
    /// Waits for a permit for one call. Throws <see cref="SlackRateLimitedException"/> when none comes within
    /// <see cref="SlackApiPolicy.MaxPermitWait"/> or the queue is full, and <see cref="OperationCanceledException"/>
    /// when <paramref name="ct"/> is cancelled.
    /// </summary>
    public async ValueTask<RateLimitLease> AcquireAsync(string method, string? channel, CancellationToken ct)
    {
        var call = new SlackCall(method, channel);
        // The fast path does not allocate a timeout source: most calls find a permit waiting.
        var lease = _limiter.AttemptAcquire(call);
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        LogWaiting(_logger, method);

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(_policy.MaxPermitWait);
        try
        {
            lease = await _limiter.AcquireAsync(call, permitCount: 1, bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SlackRateLimitedException(method, LimitFor(call).Interval);
        }
        if (lease.IsAcquired) return lease;

        // Queue full: the lease may say how long until a permit frees up.
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : LimitFor(call).Interval;
        lease.Dispose();
        throw new SlackRateLimitedException(method, retryAfter);
    }

    /// <summary>How many calls wait for a permit right now (for tests and diagnostics).</summary>
    public long QueuedCount(string method, string? channel = null) =>
        _limiter.GetStatistics(new SlackCall(method, channel))?.CurrentQueuedCount ?? 0;

    public void Dispose() => _limiter.Dispose();

    private SlackRateLimit LimitFor(SlackCall call) =>
        call.Method == SlackMethods.ChatPostMessage && call.Channel is not null
            ? _policy.PostMessagePerChannel
            : _policy.MethodLimits.TryGetValue(call.Method, out var limit) ? limit : SlackRateLimit.PerMinute(int.MaxValue);

    private RateLimitPartition<string> Partition(SlackCall call)
    {
        if (call.Method == SlackMethods.ChatPostMessage && call.Channel is not null)
        {
            var perChannel = _policy.PostMessagePerChannel;
            // A token bucket: a short burst, then one message per interval, which is how Slack describes it.
            return RateLimitPartition.GetTokenBucketLimiter($"{call.Method}|{call.Channel}", _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perChannel.Permits,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = perChannel.Interval,
                QueueLimit = _policy.MaxQueuedPerLimiter,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }

        if (!_policy.MethodLimits.TryGetValue(call.Method, out var limit))
            return RateLimitPartition.GetNoLimiter(call.Method);

        // Tiers are "N per minute": a sliding window never lets more than N through in any window.
        return RateLimitPartition.GetSlidingWindowLimiter(call.Method, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limit.Permits,
            Window = limit.Window,
            SegmentsPerWindow = 6,
            QueueLimit = _policy.MaxQueuedPerLimiter,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Slack {Method} waits for a client-side permit (rate limit tier)")]
    private static partial void LogWaiting(ILogger logger, string method);

    /// <summary>The resource a permit is for; the channel matters only for <c>chat.postMessage</c>.</summary>
    private readonly record struct SlackCall(string Method, string? Channel);
}
