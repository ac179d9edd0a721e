using System.Text.Json.Nodes;

namespace ImproveBot.Testing.FakeDiscord;

/// <summary>How a <see cref="FakeDiscordGateway"/> behaves; the defaults are Discord's.</summary>
public sealed class FakeDiscordGatewayOptions
{
    /// <summary>The only token IDENTIFY and RESUME accept (anything else closes with 4004). Random per fake, so no test depends on its value.</summary>
    public string BotToken { get; init; } = "fake-discord-bot-token." + Guid.NewGuid().ToString("N");

    /// <summary>HELLO's <c>heartbeat_interval</c>. Discord's is about 41 s; tests use a fraction of a second.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(41_250);

    /// <summary>The bot's own user, as READY reports it.</summary>
    public string BotUserId { get; init; } = "1100000000000000001";

    public string BotUsername { get; init; } = "ImproveBot";
    public string ApplicationId { get; init; } = "1100000000000000002";

    /// <summary>Privileged intents switched on in the "Developer Portal"; identifying with any other privileged bit closes with 4014.</summary>
    public int EnabledPrivilegedIntents { get; init; }

    /// <summary>Events a connection may send per minute before it is closed with 4008 (Discord: 120).</summary>
    public int SendLimitPerMinute { get; init; } = 120;

    /// <summary>Longest a held RESUME (see <see cref="FakeDiscordGateway.HoldResumes"/>) waits for release.</summary>
    public TimeSpan ResumeHoldTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// A frame a client sent, as received (the token included, unredacted, for assertions). <see cref="ToString"/>
/// hides the token so that a failing assertion never prints it.
/// </summary>
public sealed class FakeGatewayFrame
{
    internal FakeGatewayFrame(string connectionId, int op, JsonObject frame, TimeSpan at)
    {
        ConnectionId = connectionId;
        Op = op;
        Frame = frame;
        At = at;
    }

    /// <summary>Which connection carried it (<c>conn-1</c>, <c>conn-2</c>, … in the order they were accepted).</summary>
    public string ConnectionId { get; }

    public int Op { get; }

    /// <summary>The whole frame; a copy, so tests cannot change the record.</summary>
    public JsonObject Frame { get; }

    /// <summary>When it arrived, as time since the fake started.</summary>
    public TimeSpan At { get; }

    public JsonNode? D => Frame["d"];

    /// <summary>Whether the frame's <c>d.token</c> is exactly <paramref name="token"/>; compare this way rather than printing tokens.</summary>
    public bool HasToken(string token) => D is JsonObject d && d["token"] is JsonValue v && v.TryGetValue<string>(out var t) && t == token;

    public override string ToString()
    {
        var copy = Frame.DeepClone().AsObject();
        if (copy["d"] is JsonObject d && d.ContainsKey("token")) d["token"] = "[redacted]";
        return $"{ConnectionId} @{At.TotalMilliseconds:0}ms {copy.ToJsonString()}";
    }
}

/// <summary>One accepted WebSocket and how it ended.</summary>
/// <param name="Path">The request path: <c>/</c> for the Gateway URL, <c>/resume</c> for <c>resume_gateway_url</c>.</param>
/// <param name="Query">The query string, e.g. <c>?v=10&amp;encoding=json</c>.</param>
/// <param name="ClientCloseStatus">The close code the client sent, or null if it sent none (yet).</param>
/// <param name="ServerCloseStatus">The close code the fake sent, or null.</param>
/// <param name="Aborted">Whether the fake dropped it without a close frame.</param>
public sealed record FakeGatewayConnection(
    string Id,
    string Path,
    string Query,
    bool Open,
    int? ClientCloseStatus,
    string? ClientCloseDescription,
    int? ServerCloseStatus,
    bool Aborted);

/// <summary>A dispatch the fake produced: its sequence number, event name and data.</summary>
public sealed record FakeGatewayDispatch(string SessionId, long Sequence, string Type, JsonObject Data);
