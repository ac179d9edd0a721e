using System.Text.Json.Nodes;

namespace ImproveBot.Testing.FakeSlack;

/// <summary>How a <see cref="FakeSlackServer"/> is set up. Every value has a working default.</summary>
public sealed class FakeSlackOptions
{
    /// <summary>The bot token (<c>xoxb-…</c>) the Web API accepts.</summary>
    public string BotToken { get; init; } = "xoxb-fake-0000-bot-token";

    /// <summary>The app-level token (<c>xapp-…</c>) <c>apps.connections.open</c> accepts.</summary>
    public string AppToken { get; init; } = "xapp-1-fake-0000-app-token";

    public string TeamId { get; init; } = "T0FAKE0001";
    public string TeamName { get; init; } = "Fake Workspace";

    /// <summary>The bot's own user id, as <c>auth.test</c> reports it (events from it should be ignored).</summary>
    public string BotUserId { get; init; } = "U0FAKEBOT1";

    public string BotId { get; init; } = "B0FAKEBOT1";
    public string AppId { get; init; } = "A0FAKEAPP1";

    /// <summary>
    /// The fake's clock: trigger id and response_url expiry, call timestamps, message <c>ts</c>. Share a
    /// FakeTimeProvider with the code under test to check waits without sleeping. Socket acks and connection
    /// waits use real time, since they wait on real sockets.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// When set, the fake enforces Slack's documented budgets itself (HTTP 429 with <c>Retry-After</c> once a budget is
    /// spent), with every window divided by this factor (1 = real time, 60 = a minute's budget per second). Off by
    /// default: most tests inject 429s on demand instead. Budgets (protocol §6): tier 1 <c>apps.connections.open</c>
    /// 1/min; tier 3 <c>conversations.open</c>, <c>conversations.history</c> 50/min; tier 4 <c>users.info</c>,
    /// <c>views.open</c> 100/min; <c>chat.postMessage</c> 1/s per channel with bursts of 3. Slack's workspace-wide cap on
    /// <c>chat.postMessage</c> has no published number and is not enforced.
    /// </summary>
    public double? EnforceRateLimits { get; init; }

    /// <summary>
    /// Random faults on the Web API (429s, 5xx, timeouts, resets, half-written answers), some after the call was carried
    /// out (a message posted, then its answer lost). Off by default; see <see cref="FakeSlackServer.Faults"/> for counts.
    /// </summary>
    public Faults.FaultOptions? Faults { get; init; }

    /// <summary>How long <see cref="FakeSlackServer.SendEnvelopeAsync"/> waits for an ack by default (real time).</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>A person in the fake workspace.</summary>
/// <param name="Id">User id, e.g. <c>U123</c>.</param>
/// <param name="Name">The handle (<c>name</c>).</param>
/// <param name="TimeZone">IANA zone (<c>tz</c>); null as Slack sometimes has it.</param>
public sealed record FakeSlackUser(string Id, string Name, string? TimeZone)
{
    /// <summary><c>real_name</c>; defaults to <see cref="Name"/>.</summary>
    public string? RealName { get; init; }

    /// <summary><c>profile.display_name</c>; empty by default, as for many real accounts.</summary>
    public string? DisplayName { get; init; }

    public bool IsAdmin { get; init; }
    public bool IsOwner { get; init; }
    public bool IsBot { get; init; }
    public bool Deleted { get; init; }
}

/// <summary>A <c>chat.postMessage</c> the fake accepted.</summary>
public sealed record PostedMessage(string Channel, string Text, JsonArray? Blocks, string? ThreadTs, JsonObject? Metadata, string Ts);

/// <summary>A <c>views.open</c> the fake accepted; <see cref="View"/> is what it answered (with id, hash…).</summary>
public sealed record OpenedView(string ViewId, string TriggerId, string? UserId, JsonObject View);

/// <summary>A POST to a minted response_url.</summary>
public sealed record ResponseUrlPost(string ResponseUrlId, JsonObject Body, bool HadAuthorizationHeader, DateTimeOffset At);

/// <summary>One request to the fake (Web API method or <c>response_url</c>), with what it answered.</summary>
/// <param name="At">On the fake's clock (<see cref="FakeSlackOptions.Time"/>), when the request arrived.</param>
/// <param name="Error">Slack's error code when the answer was <c>ok:false</c>, else null.</param>
public sealed record FakeSlackCall(string Method, DateTimeOffset At, int HttpStatus, string? Error, string? ContentType, bool HadAuthorizationHeader);

/// <summary>An envelope the fake sent over Socket Mode.</summary>
public sealed record FakeSocketEnvelope(string EnvelopeId, string Type, JsonObject Frame, string ConnectionId, int RetryAttempt);

/// <summary>An ack a client sent: <c>{"envelope_id": …, "payload"?: …}</c>.</summary>
/// <param name="OnSameSocket">Slack only counts acks sent on the socket that carried the envelope; false acks never complete a send.</param>
public sealed record FakeSocketAck(string EnvelopeId, JsonObject? Payload, string ConnectionId, bool OnSameSocket, JsonObject Frame);
