using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Api;

/// <summary>
/// Discord's per-route buckets as the answers describe them (protocol §4): no limit is hard-coded, every response's
/// <c>X-RateLimit-Bucket</c>, <c>-Remaining</c> and <c>-Reset-After</c> say how many requests a bucket has left and
/// when it refills, and 429s (per route, or global with <c>X-RateLimit-Global</c>) close a bucket or every bot-token
/// route for their <c>retry_after</c>. A singleton: the limits belong to the bot, not to one request.
/// </summary>
/// <remarks>
/// A bucket is keyed by its hash plus the route's major parameter (channel, guild, or webhook + token), as Discord
/// keys them; before a route's hash is known its own name stands in. Waits run on the injected clock and are bounded
/// by real time as well, so a test clock that stands still can slow a call down but never hang it.
/// </remarks>
internal sealed partial class DiscordRateLimits(DiscordApiPolicy policy, TimeProvider time, ILogger<DiscordRateLimits> logger)
{
    /// <summary>Real time allowed beyond a wait before it is given up on: the clock we were given is not moving.</summary>
    private static readonly TimeSpan RealTimeSlack = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _bucketOfRoute = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BucketState> _buckets = new(StringComparer.Ordinal);
    private DateTimeOffset _globalUntil = DateTimeOffset.MinValue;

    /// <summary>
    /// Waits until the route's bucket (and, for bot-token routes, the global limit) lets one request through, and takes
    /// it. Throws <see cref="DiscordRateLimitedException"/> when the wait would be longer than
    /// <see cref="DiscordApiPolicy.MaxInClientRetryAfter"/>, so the caller can come back later instead.
    /// </summary>
    public async Task AcquireAsync(DiscordRoute route, CancellationToken ct)
    {
        for (var waits = 0; ; waits++)
        {
            TimeSpan wait;
            bool global;
            lock (_gate)
            {
                var now = time.GetUtcNow();
                (wait, global) = WaitFor(route, now);
                if (wait <= TimeSpan.Zero)
                {
                    Take(route, now);
                    return;
                }
            }
            if (wait > policy.MaxInClientRetryAfter || waits >= policy.MaxBucketWaits)
                throw new DiscordRateLimitedException(route.Name, wait, global, global ? "global" : null);
            LogWaiting(logger, route.Name, wait.TotalSeconds, global);
            await DelayAsync(wait, ct);
        }
    }

    /// <summary>Learns from a response's <c>X-RateLimit-*</c> headers (any status).</summary>
    public void Observe(DiscordRoute route, HttpResponseHeaders headers)
    {
        var hash = Header(headers, "X-RateLimit-Bucket");
        var remaining = int.TryParse(Header(headers, "X-RateLimit-Remaining"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : (int?)null;
        var resetAfter = Seconds(Header(headers, "X-RateLimit-Reset-After"));
        lock (_gate)
        {
            if (hash is { Length: > 0 and <= 64 }) _bucketOfRoute[route.Name] = hash;
            if (remaining is null || resetAfter is null) return;
            _buckets[Key(route)] = new BucketState(remaining.Value, time.GetUtcNow() + resetAfter.Value);
        }
    }

    /// <summary>A 429: closes the route's bucket, or with <paramref name="global"/> every bot-token route, for <paramref name="retryAfter"/>.</summary>
    public void ObserveRateLimited(DiscordRoute route, TimeSpan retryAfter, bool global)
    {
        lock (_gate)
        {
            var until = time.GetUtcNow() + retryAfter;
            if (global)
            {
                if (until > _globalUntil) _globalUntil = until;
                return;
            }
            _buckets[Key(route)] = new BucketState(0, until);
        }
    }

    /// <summary>How many requests the route's bucket has left as last seen, or null when unknown (for tests and diagnostics).</summary>
    public int? RemainingFor(DiscordRoute route)
    {
        lock (_gate) return _buckets.TryGetValue(Key(route), out var state) ? state.Remaining : null;
    }

    /// <summary>The bucket hash Discord reported for a route, or null before the first answer.</summary>
    public string? BucketOf(DiscordRoute route)
    {
        lock (_gate) return _bucketOfRoute.GetValueOrDefault(route.Name);
    }

    private (TimeSpan Wait, bool Global) WaitFor(DiscordRoute route, DateTimeOffset now)
    {
        // Interaction webhooks are exempt from the global limit (protocol §1, §4).
        if (route.UsesBotToken && _globalUntil > now) return (_globalUntil - now, true);
        if (_buckets.TryGetValue(Key(route), out var bucket) && bucket.Remaining <= 0 && bucket.ResetAt > now)
            return (bucket.ResetAt - now, false);
        return (TimeSpan.Zero, false);
    }

    private void Take(DiscordRoute route, DateTimeOffset now)
    {
        var key = Key(route);
        if (!_buckets.TryGetValue(key, out var bucket)) return;
        // A bucket past its reset is full again, but we don't know its size: forget it until the next answer says.
        if (bucket.ResetAt <= now) _buckets.Remove(key);
        // Counted down before the answer comes, so requests in flight together don't all spend the last one.
        else _buckets[key] = bucket with { Remaining = bucket.Remaining - 1 };
    }

    private string Key(DiscordRoute route) =>
        (_bucketOfRoute.TryGetValue(route.Name, out var hash) ? hash : route.Name) + "|" + route.MajorParameter;

    private async Task DelayAsync(TimeSpan wait, CancellationToken ct)
    {
        try
        {
            await Task.Delay(wait, time, ct).WaitAsync(wait + RealTimeSlack, ct);
        }
        catch (TimeoutException)
        {
            // The injected clock did not move while real time did (a test's clock): look again rather than hang.
        }
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Fractional seconds as Discord writes them (<c>1.337</c>); null when absent, negative or absurd.</summary>
    internal static TimeSpan? Seconds(string? value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) ? FromSeconds(s) : null;

    /// <summary>Seconds as Discord writes them, to the tick (64.57 is 64.570 s, not 64.5699999); null when negative or absurd.</summary>
    internal static TimeSpan? FromSeconds(double seconds) =>
        seconds is >= 0 and < 1e7 ? TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)) : null;

    private readonly record struct BucketState(int Remaining, DateTimeOffset ResetAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Discord {Route} waits {Seconds:0.###} s for its rate limit (global: {Global})")]
    private static partial void LogWaiting(ILogger logger, string route, double seconds, bool global);
}
