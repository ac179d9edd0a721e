using System.Text.Json.Nodes;

namespace ImproveBot.Testing.FakeDiscord;

/// <summary>How a <see cref="FakeDiscordServer"/> is set up. Every value has a working default.</summary>
public sealed class FakeDiscordOptions
{
    /// <summary>The bot token REST accepts (<c>Authorization: Bot …</c>): three dot-separated parts, like a real one.</summary>
    public string BotToken { get; init; } = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GfAkE0.fake-discord-bot-token-for-tests-0000000000";

    /// <summary>The application id (command registration and interaction webhooks are under it).</summary>
    public string ApplicationId { get; init; } = "1100000000000000001";

    /// <summary>The bot's own user id.</summary>
    public string BotUserId { get; init; } = "1100000000000000002";

    /// <summary>
    /// The fake's clock: bucket windows, nonce memory, interaction token expiry, call timestamps. Share a FakeTimeProvider
    /// with the code under test to check waits without sleeping.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Requests per bucket (route and major parameter) within <see cref="BucketWindow"/> before a 429; generous by default.</summary>
    public int BucketLimit { get; init; } = 50;

    public TimeSpan BucketWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a nonce sent with <c>enforce_nonce</c> returns the message it created (Discord: "a few minutes").</summary>
    public TimeSpan NonceWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Random faults on REST (429s, 5xx, timeouts, resets, half-written answers), some after the request was carried out
    /// (a message created, then its answer lost). Off by default; see <see cref="FakeDiscordServer.Faults"/> for counts.
    /// </summary>
    public Faults.FaultOptions? Faults { get; init; }

    /// <summary>
    /// Stricter than Discord on purpose: a message or webhook edit whose <c>allowed_mentions</c> is not exactly
    /// <c>{"parse": []}</c> is refused with a 50035, so every test proves the bot never lets user text ping anyone.
    /// </summary>
    public bool RequireSuppressedMentions { get; init; } = true;
}

/// <summary>A person Discord knows; <c>POST /users/@me/channels</c> opens DMs only with these.</summary>
/// <param name="Id">A snowflake, e.g. <c>1200000000000000001</c>.</param>
/// <param name="Username">The unique handle (<c>username</c>).</param>
public sealed record FakeDiscordUser(string Id, string Username)
{
    /// <summary><c>global_name</c>, the display name; null as for many accounts.</summary>
    public string? GlobalName { get; init; }

    /// <summary>The server nickname (<c>member.nick</c>) in interactions from a server.</summary>
    public string? Nick { get; init; }

    /// <summary>The member's permissions in interactions from a server (a decimal bit set); everything but admin bits by default.</summary>
    public string Permissions { get; init; } = "1024";

    /// <summary>Messages to this user's DM fail with 50007 (Cannot send messages to this user), as when DMs are closed.</summary>
    public bool RefusesDirectMessages { get; init; }
}

/// <summary>A message the fake created (or returned again for a repeated nonce: then it is not recorded twice).</summary>
public sealed record FakeDiscordMessage(string Id, string ChannelId, JsonObject Body, string? Nonce, DateTimeOffset At)
{
    public string? Content => Body["content"]?.GetValue<string>();

    public JsonArray Embeds => Body["embeds"] as JsonArray ?? [];

    public JsonArray Components => Body["components"] as JsonArray ?? [];

    /// <summary>Every button's <c>custom_id</c>, row by row.</summary>
    public IReadOnlyList<string> CustomIds =>
        Components.SelectMany(row => row?["components"] as JsonArray ?? []).Select(b => b?["custom_id"]?.GetValue<string>()).OfType<string>().ToList();

    /// <summary>Content, embed titles, descriptions, field names and values and footers, in order: what a reader sees.</summary>
    public string AllText
    {
        get
        {
            var parts = new List<string?> { Content };
            foreach (var embed in Embeds)
            {
                parts.Add(embed?["title"]?.GetValue<string>());
                parts.Add(embed?["description"]?.GetValue<string>());
                foreach (var embedField in embed?["fields"] as JsonArray ?? [])
                {
                    parts.Add(embedField?["name"]?.GetValue<string>());
                    parts.Add(embedField?["value"]?.GetValue<string>());
                }
                parts.Add(embed?["footer"]?["text"]?.GetValue<string>());
            }
            return string.Join("\n", parts.Where(p => !string.IsNullOrEmpty(p)));
        }
    }
}

/// <summary>A bulk overwrite the fake accepted: <see cref="GuildId"/> null for global commands.</summary>
public sealed record FakeCommandRegistration(string? GuildId, JsonArray Commands, DateTimeOffset At);

/// <summary>A <c>PATCH /webhooks/{app}/{token}/messages/@original</c> the fake accepted.</summary>
public sealed record FakeWebhookEdit(string InteractionToken, JsonObject Body, bool HadAuthorizationHeader, DateTimeOffset At);

/// <summary>What the bot answered an interaction the fake sent it with (HTTP status and, when JSON, the response object).</summary>
public sealed record FakeInteractionResponse(string InteractionId, int HttpStatus, JsonObject? Body, DateTimeOffset At)
{
    /// <summary>The interaction response type (4 message, 5 deferred, 9 modal, …); 0 when there is none.</summary>
    public int Type => Body?["type"]?.GetValue<int>() ?? 0;

    public JsonObject? Data => Body?["data"] as JsonObject;
}

/// <summary>One REST request to the fake, with what it answered.</summary>
/// <param name="Route">The route as Discord documents it, e.g. <c>POST /channels/{channel_id}/messages</c>.</param>
/// <param name="At">On the fake's clock, when the request arrived.</param>
/// <param name="ErrorCode">Discord's JSON error code when the answer was an error with one, else null.</param>
public sealed record FakeDiscordCall(string Route, DateTimeOffset At, int HttpStatus, int? ErrorCode, bool HadAuthorizationHeader, string? UserAgent);
