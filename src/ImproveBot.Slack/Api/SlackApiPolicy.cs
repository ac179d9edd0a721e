using System.Collections.Frozen;

namespace ImproveBot.Slack.Api;

/// <summary>
/// How patient <see cref="SlackApiClient"/> is: retries, timeouts and client-side rate limits. The defaults suit
/// production; tests register their own instance (before <c>AddSlackApi</c>) to make limits short or long on purpose.
/// </summary>
internal sealed record SlackApiPolicy
{
    /// <summary>HTTP 429s retried inside the client (each after its <c>Retry-After</c>) before the caller is told to wait.</summary>
    public int MaxRateLimitRetries { get; init; } = 3;

    /// <summary>
    /// The longest <c>Retry-After</c> the client sleeps through itself. Anything longer goes back to the caller as
    /// <see cref="SlackRateLimitedException"/>, so the outbox reschedules instead of holding a worker for minutes.
    /// </summary>
    public TimeSpan MaxInClientRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Used when a 429 comes without a readable <c>Retry-After</c> (Slack always sends one; proxies may not).</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of 5xx answers, network errors and attempt timeouts.</summary>
    public int MaxTransientRetries { get; init; } = 3;

    /// <summary>First backoff delay for transient failures; it doubles per attempt, with jitter, up to <see cref="TransientMaxDelay"/>.</summary>
    public TimeSpan TransientBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan TransientMaxDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>One HTTP attempt, body included. Slack answers in well under a second; a hung socket should not block a worker.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest a call queues for a client-side permit. Long enough for one tier-1 minute (so a second
    /// <c>apps.connections.open</c> waits its turn), short enough that nothing queues forever.
    /// </summary>
    public TimeSpan MaxPermitWait { get; init; } = TimeSpan.FromSeconds(70);

    /// <summary>Per-method budgets (Slack's tiers). Methods not listed here are not limited client-side.</summary>
    public IReadOnlyDictionary<string, SlackRateLimit> MethodLimits { get; init; } = DefaultMethodLimits;

    /// <summary><c>chat.postMessage</c> per channel: about one message a second, with a short burst.</summary>
    public SlackRateLimit PostMessagePerChannel { get; init; } = new(Permits: 3, Window: TimeSpan.FromSeconds(3));

    /// <summary>Calls that may wait in one limiter's queue; past that the caller is told to come back later.</summary>
    public int MaxQueuedPerLimiter { get; init; } = 100;

    /// <summary>The defaults with every window divided by <paramref name="scale"/> (1 = Slack's real budgets).</summary>
    public static SlackApiPolicy Scaled(double scale)
    {
        if (scale <= 1) return new SlackApiPolicy();
        SlackRateLimit Scale(SlackRateLimit limit) => limit with { Window = limit.Window / scale };
        var policy = new SlackApiPolicy();
        return policy with
        {
            MethodLimits = policy.MethodLimits.ToFrozenDictionary(kv => kv.Key, kv => Scale(kv.Value), StringComparer.Ordinal),
            PostMessagePerChannel = Scale(policy.PostMessagePerChannel),
        };
    }

    // Slack's tiers are "N+ per minute" per method and workspace; staying at N keeps us clear of 429s.
    public static IReadOnlyDictionary<string, SlackRateLimit> DefaultMethodLimits { get; } = new Dictionary<string, SlackRateLimit>(StringComparer.Ordinal)
    {
        [SlackMethods.AppsConnectionsOpen] = SlackRateLimit.PerMinute(1),    // tier 1
        [SlackMethods.ConversationsOpen] = SlackRateLimit.PerMinute(50),     // tier 3
        [SlackMethods.ConversationsHistory] = SlackRateLimit.PerMinute(50),  // tier 3
        [SlackMethods.UsersInfo] = SlackRateLimit.PerMinute(100),            // tier 4
        [SlackMethods.ViewsOpen] = SlackRateLimit.PerMinute(100),            // tier 4
        // "Special" and generous; a bound all the same so a bug that loops on auth.test cannot flood Slack.
        [SlackMethods.AuthTest] = SlackRateLimit.PerMinute(100),
    }.ToFrozenDictionary(StringComparer.Ordinal);
}

/// <summary>At most <paramref name="Permits"/> calls in any <paramref name="Window"/> (a sliding window, or a token bucket with that burst for per-channel limits).</summary>
internal sealed record SlackRateLimit(int Permits, TimeSpan Window)
{
    public static SlackRateLimit PerMinute(int permits) => new(permits, TimeSpan.FromMinutes(1));

    /// <summary>The spacing at which permits come back on average; what a caller told to wait should wait.</summary>
    public TimeSpan Interval => Window / Math.Max(1, Permits);
}

/// <summary>The Web API method names the client calls.</summary>
internal static class SlackMethods
{
    public const string AuthTest = "auth.test";
    public const string ConversationsOpen = "conversations.open";
    public const string ConversationsHistory = "conversations.history";
    public const string ChatPostMessage = "chat.postMessage";
    public const string UsersInfo = "users.info";
    public const string ViewsOpen = "views.open";
    public const string AppsConnectionsOpen = "apps.connections.open";

    /// <summary>Not a Web API method: names POSTs to a <c>response_url</c> in logs and exceptions.</summary>
    public const string ResponseUrl = "response_url";
}
