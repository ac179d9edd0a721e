using System.Text.Json.Nodes;

namespace ImproveBot.Discord.Api;

/// <summary>
/// The Discord REST endpoints the adapter uses. Implemented by <see cref="DiscordApiClient"/> over HttpClient, shaped so
/// that a library client could replace it inside the adapter.
/// </summary>
/// <remarks>
/// Every method throws <see cref="DiscordApiException"/> when Discord answers with an error (its <c>code</c>, <c>message</c>
/// and <c>errors</c>), <see cref="DiscordRateLimitedException"/> on HTTP 429 after the client's own retries are spent, and
/// <see cref="HttpRequestException"/> when Discord could not be reached or kept failing with 5xx.
/// </remarks>
internal interface IDiscordApi
{
    /// <summary><c>POST /users/@me/channels</c>: the DM channel with a user (the existing one when there is one).</summary>
    Task<string> CreateDirectMessageChannelAsync(string userId, CancellationToken ct);

    /// <summary><c>POST /channels/{id}/messages</c>: returns the message id.</summary>
    /// <param name="message">The message body (<c>content</c>, <c>embeds</c>, <c>components</c>, <c>allowed_mentions</c>…).</param>
    /// <param name="nonce">
    /// At most 25 characters. Sent with <c>enforce_nonce: true</c>, so a retry within a few minutes returns the message
    /// created the first time instead of a second one.
    /// </param>
    Task<string> CreateMessageAsync(string channelId, JsonObject message, string? nonce, CancellationToken ct);

    /// <summary>
    /// <c>PUT /applications/{app}/commands</c>, or <c>…/guilds/{guild}/commands</c> with a guild: replaces every command
    /// of that scope with <paramref name="commands"/>; returns what Discord now has.
    /// </summary>
    Task<IReadOnlyList<DiscordRegisteredCommand>> BulkOverwriteCommandsAsync(string? guildId, JsonArray commands, CancellationToken ct);

    /// <summary>
    /// <c>PATCH /webhooks/{app}/{token}/messages/@original</c>: completes a deferred interaction response. The interaction
    /// token is the credential (valid 15 minutes); the bot token is never sent with it.
    /// </summary>
    Task EditOriginalResponseAsync(string interactionToken, JsonObject message, CancellationToken ct);

    /// <summary><c>GET /gateway/bot</c>: where to connect the Gateway, and the session start budget.</summary>
    Task<DiscordGatewayBot> GetGatewayBotAsync(CancellationToken ct);

    /// <summary><c>GET /guilds/{id}</c>: the server's name.</summary>
    Task<DiscordGuild> GetGuildAsync(string guildId, CancellationToken ct);
}

/// <summary>A command as Discord stored it.</summary>
internal sealed record DiscordRegisteredCommand(string Id, string Name);

/// <summary>What <c>GET /gateway/bot</c> tells: the URL, the recommended shard count and the identify budget.</summary>
internal sealed record DiscordGatewayBot(Uri Url, int Shards, int SessionStartRemaining, TimeSpan SessionStartResetAfter, int MaxConcurrency);

/// <summary>A server, reduced to what the adapter shows.</summary>
internal sealed record DiscordGuild(string Id, string Name);

/// <summary>Discord answered with an error (HTTP 4xx/5xx and, usually, its JSON error body).</summary>
internal class DiscordApiException(string route, int httpStatus, int code, string discordMessage, IReadOnlyList<string>? errors = null)
    : Exception($"Discord {route} failed: HTTP {httpStatus}, code {code}: {discordMessage}"
                + (errors is { Count: > 0 } ? $" ({string.Join("; ", errors)})" : ""))
{
    /// <summary>The route template, e.g. <c>POST /channels/{channel_id}/messages</c> (never a token).</summary>
    public string Route { get; } = route;

    public int HttpStatus { get; } = httpStatus;

    /// <summary>Discord's JSON error code (<see cref="DiscordErrorCodes"/>); 0 when the body had none.</summary>
    public int Code { get; } = code;

    public string DiscordMessage { get; } = discordMessage;

    /// <summary>The nested <c>errors</c> of a 50035 (Invalid Form Body), flattened to <c>path: CODE message</c>.</summary>
    public IReadOnlyList<string> Errors { get; } = errors ?? [];

    /// <summary>Errors that may pass on retry: rate limits and Discord-side trouble. 4xx answers are permanent.</summary>
    public virtual bool IsTransient => HttpStatus is 429 or 408 or >= 500;
}

/// <summary>HTTP 429: Discord asked us to wait <see cref="RetryAfter"/> (<c>retry_after</c>).</summary>
internal sealed class DiscordRateLimitedException(string route, TimeSpan retryAfter, bool global, string? scope)
    : DiscordApiException(route, 429, 0, $"rate limited ({scope ?? (global ? "global" : "route")}), retry after {retryAfter.TotalSeconds:0.###} s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>The limit was the bot's global one (50 requests per second), not the route's bucket.</summary>
    public bool IsGlobal { get; } = global;

    /// <summary><c>X-RateLimit-Scope</c>: <c>user</c>, <c>global</c> or <c>shared</c>; null when not known.</summary>
    public string? Scope { get; } = scope;

    public override bool IsTransient => true;
}

/// <summary>Discord's JSON error codes the adapter looks at (protocol reference §3).</summary>
internal static class DiscordErrorCodes
{
    public const int UnknownChannel = 10003;
    public const int UnknownMessage = 10008;
    public const int UnknownUser = 10013;
    public const int UnknownWebhook = 10015;
    public const int UnknownInteraction = 10062;
    public const int InteractionAlreadyAcknowledged = 40060;
    public const int MissingAccess = 50001;
    public const int CannotSendToUser = 50007;
    public const int MissingPermissions = 50013;
    public const int InvalidWebhookToken = 50027;
    public const int InvalidFormBody = 50035;
}
