namespace ImproveBot.Discord.Api;

/// <summary>
/// How patient <see cref="DiscordApiClient"/> is: retries, timeouts and bucket waits. The defaults suit production;
/// tests register their own instance (before <c>AddDiscordApi</c>) to make waits short or long on purpose.
/// </summary>
internal sealed record DiscordApiPolicy
{
    /// <summary>HTTP 429s retried inside the client (each after its <c>retry_after</c>) before the caller is told to wait.</summary>
    public int MaxRateLimitRetries { get; init; } = 3;

    /// <summary>
    /// The longest wait (a 429's <c>retry_after</c>, or an exhausted bucket's reset) the client sits through itself.
    /// Anything longer goes back to the caller as <see cref="DiscordRateLimitedException"/>, so the outbox reschedules
    /// instead of holding a worker for minutes.
    /// </summary>
    public TimeSpan MaxInClientRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Used when a 429 says neither <c>retry_after</c> nor <c>Retry-After</c> (Discord always does; proxies may not).</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of 5xx answers, network errors and attempt timeouts.</summary>
    public int MaxTransientRetries { get; init; } = 3;

    /// <summary>First backoff delay for transient failures; it doubles per attempt, with jitter, up to <see cref="TransientMaxDelay"/>.</summary>
    public TimeSpan TransientBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan TransientMaxDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>One HTTP attempt, body included. Discord answers in well under a second; a hung socket should not block a worker.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often one request may wait for a bucket before giving up with <see cref="DiscordRateLimitedException"/>.</summary>
    public int MaxBucketWaits { get; init; } = 3;
}
