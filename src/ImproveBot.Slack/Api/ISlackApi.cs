using System.Text.Json.Nodes;

namespace ImproveBot.Slack.Api;

/// <summary>
/// The Slack Web API methods the adapter uses. Implemented by <see cref="SlackApiClient"/> over HttpClient,
/// shaped so that a library client could replace it inside the adapter.
/// </summary>
/// <remarks>
/// Every method throws <see cref="SlackApiException"/> when Slack answers <c>ok:false</c> (with its error code)
/// and <see cref="SlackRateLimitedException"/> on HTTP 429 after the client's own retries are spent.
/// </remarks>
internal interface ISlackApi
{
    /// <summary><c>auth.test</c>: who the bot is.</summary>
    Task<SlackIdentity> AuthTestAsync(CancellationToken ct);

    /// <summary><c>conversations.open</c> with one user: the DM channel id (<c>D…</c>).</summary>
    Task<string> OpenDirectMessageAsync(string userId, CancellationToken ct);

    /// <summary><c>chat.postMessage</c>: returns the message <c>ts</c>.</summary>
    /// <param name="blocks">Block Kit blocks (a JSON array), or null for text only.</param>
    /// <param name="text">Fallback text for notifications; must already be escaped.</param>
    /// <param name="metadata">Message metadata (<c>event_type</c>, <c>event_payload</c>), e.g. the outbox idempotency key.</param>
    Task<string> PostMessageAsync(string channel, string text, JsonArray? blocks, string? threadTs, JsonObject? metadata, CancellationToken ct);

    /// <summary>
    /// <c>conversations.history</c> with metadata: the outbox keys and parts of the newest <paramref name="limit"/>
    /// messages in <paramref name="channel"/> that carry ImproveBot's outbox metadata.
    /// </summary>
    Task<IReadOnlyList<(string Key, int Part)>> RecentOutboxKeysAsync(string channel, int limit, CancellationToken ct);

    /// <summary><c>users.info</c>: the user's IANA zone (null when Slack has none), name and admin flags.</summary>
    Task<SlackUser> GetUserAsync(string userId, CancellationToken ct);

    /// <summary><c>views.open</c> with a trigger id (valid 3 s, single use): returns the view id.</summary>
    Task<string> OpenViewAsync(string triggerId, JsonObject view, CancellationToken ct);

    /// <summary><c>apps.connections.open</c> with the app-level token: a fresh Socket Mode WebSocket URL.</summary>
    Task<Uri> OpenSocketConnectionAsync(CancellationToken ct);

    /// <summary>POST to a <c>response_url</c> (slash command or message follow-up).</summary>
    Task RespondAsync(Uri responseUrl, JsonObject message, CancellationToken ct);
}

/// <summary>The bot's identity from <c>auth.test</c>.</summary>
internal sealed record SlackIdentity(string UserId, string? BotId, string TeamId, string? TeamName);

/// <summary>What <c>users.info</c> tells about a person.</summary>
internal sealed record SlackUser(string Id, string DisplayName, string? TimeZone, bool IsAdmin, bool IsOwner, bool IsBot);

/// <summary>Slack answered <c>ok:false</c>.</summary>
internal class SlackApiException(string method, string error, string? detail = null)
    : Exception($"Slack {method} failed: {error}{(detail is null ? "" : $" ({detail})")}")
{
    public string Method { get; } = method;

    /// <summary>Slack's error code, e.g. <c>channel_not_found</c>, <c>invalid_auth</c>.</summary>
    public string Error { get; } = error;

    /// <summary>Errors that may pass on retry (rate limits, Slack-side trouble); the rest are permanent.</summary>
    public bool IsTransient => Error is "ratelimited" or "internal_error" or "fatal_error" or "service_unavailable" or "request_timeout";
}

/// <summary>HTTP 429: Slack asked us to wait <see cref="RetryAfter"/>.</summary>
internal sealed class SlackRateLimitedException(string method, TimeSpan retryAfter)
    : SlackApiException(method, "ratelimited", $"retry after {retryAfter.TotalSeconds:F0}s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
