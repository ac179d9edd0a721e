using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ImproveBot.Testing.FakeDiscord;

// The server side of the Gateway protocol: one WebSocket per connection, HELLO first, then what the client sends.
public sealed partial class FakeDiscordGateway
{
    // Discord closes with 4002 when a client payload exceeds 4096 bytes.
    private const int MaxClientFrameBytes = 4096;

    // Intent bits Discord documents (0–16, 20, 21, 24, 25); any other bit closes with 4013.
    private const int KnownIntents = 0x1FFFF | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25);
    private const int PrivilegedIntents = (1 << 1) | (1 << 8) | (1 << 15);

    private readonly List<Connection> _live = [];
    private readonly List<Connection> _allConnections = [];
    private readonly List<FakeGatewayFrame> _frames = [];
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _dispatchLock = new(1, 1);
    private Session? _latest;
    private TaskCompletionSource? _resumeGate;
    private int _connectionsOpened;
    private int _replayed;

    private async Task HandleSocketAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        Connection connection;
        lock (_gate)
        {
            connection = new Connection($"conn-{++_connectionsOpened}", socket, http.Request.Path.Value ?? "/", http.Request.QueryString.Value ?? "");
            _live.Add(connection);
            _allConnections.Add(connection);
        }
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, http.RequestAborted);
        try
        {
            // The version and encoding are query parameters; the fake speaks v10 JSON only, as the bot asks for.
            if (http.Request.Query["v"] != "10")
            {
                await ServerCloseAsync(connection, 4012, "Invalid API version.");
            }
            else if (http.Request.Query["encoding"] != "json")
            {
                await ServerCloseAsync(connection, 4002, "Error while decoding payload.");
            }
            else
            {
                var hello = new JsonObject { ["heartbeat_interval"] = (int)_options.HeartbeatInterval.TotalMilliseconds };
                await connection.SendAsync(Frame(10, hello), lifetime.Token);
            }
            await ReceiveAsync(connection, lifetime.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, the fake dropped it, or the fake is stopping: the connection is over either way.
        }
        finally
        {
            lock (_gate)
            {
                _live.Remove(connection);
                connection.Open = false;
                if (connection.Session is { } session && session.Connection == connection) session.Connection = null;
            }
            connection.Dispose();
        }
    }

    /// <summary>Reads client frames until the socket closes.</summary>
    private async Task ReceiveAsync(Connection connection, CancellationToken ct)
    {
        var buffer = new byte[8 * 1024];
        using var message = new MemoryStream();
        while (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseSent && !ct.IsCancellationRequested)
        {
            message.SetLength(0);
            WebSocketReceiveResult result;
            do
            {
                result = await connection.Socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    OnClientClose(connection);
                    if (connection.Socket.State == WebSocketState.CloseReceived)
                    {
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                        await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
                    }
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxClientFrameBytes)
                {
                    await ServerCloseAsync(connection, 4002, "Payload too large.");
                    return;
                }
            }
            while (!result.EndOfMessage);

            if (connection.ServerCloseStatus is not null) continue; // closing: only the client's close frame matters now
            if (await TooFastAsync(connection)) return;
            await OnClientFrameAsync(connection, message.ToArray(), ct);
        }
    }

    private void OnClientClose(Connection connection)
    {
        lock (_gate)
        {
            connection.ClientCloseStatus = (int?)connection.Socket.CloseStatus;
            connection.ClientCloseDescription = connection.Socket.CloseStatusDescription;
            // Detached at once, so nothing more is sent to a closing socket; 1000/1001 also end the session (Gateway docs).
            if (connection.Session is { } session)
            {
                if (session.Connection == connection) session.Connection = null;
                if (connection.ClientCloseStatus is 1000 or 1001) session.Invalidated = true;
            }
        }
    }

    /// <summary>Discord's send limit: more than the allowed events a minute closes with 4008.</summary>
    private async Task<bool> TooFastAsync(Connection connection)
    {
        bool tooFast;
        lock (_gate)
        {
            var now = Now;
            connection.Received.Enqueue(now);
            while (connection.Received.TryPeek(out var first) && now - first >= TimeSpan.FromMinutes(1)) connection.Received.Dequeue();
            tooFast = connection.Received.Count > _options.SendLimitPerMinute;
        }
        if (tooFast) await ServerCloseAsync(connection, 4008, "You are being rate limited.");
        return tooFast;
    }

    private async Task OnClientFrameAsync(Connection connection, byte[] bytes, CancellationToken ct)
    {
        JsonObject? frame;
        try
        {
            frame = JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            frame = null;
        }
        if (frame?["op"] is not JsonValue opValue || !opValue.TryGetValue<int>(out var op))
        {
            lock (_gate) _frames.Add(new FakeGatewayFrame(connection.Id, -1, new JsonObject { ["unparsed"] = Encoding.UTF8.GetString(bytes) }, Now));
            await ServerCloseAsync(connection, 4002, "Error while decoding payload.");
            return;
        }
        lock (_gate) _frames.Add(new FakeGatewayFrame(connection.Id, op, frame.DeepClone().AsObject(), Now));

        switch (op)
        {
            case 1:
                if (AckHeartbeats) await connection.SendAsync(Frame(11, null), ct);
                break;
            case 2:
                await IdentifyAsync(connection, frame["d"] as JsonObject, ct);
                break;
            case 6:
                await ResumeAsync(connection, frame["d"] as JsonObject, ct);
                break;
            case 3 or 4 or 8 or 31:
                // Presence, voice state, member and soundboard requests: valid once identified; the fake has nothing to answer.
                if (connection.Session is null) await ServerCloseAsync(connection, 4003, "Not authenticated.");
                break;
            default:
                await ServerCloseAsync(connection, 4001, "Unknown opcode.");
                break;
        }
    }

    private async Task IdentifyAsync(Connection connection, JsonObject? d, CancellationToken ct)
    {
        if (connection.Session is not null)
        {
            await ServerCloseAsync(connection, 4005, "Already authenticated.");
            return;
        }
        if (!TokenMatches(d))
        {
            await ServerCloseAsync(connection, 4004, "Authentication failed.");
            return;
        }
        if (d!["intents"] is not JsonValue intentsValue || !intentsValue.TryGetValue<int>(out var intents) || (intents & ~KnownIntents) != 0)
        {
            await ServerCloseAsync(connection, 4013, "Invalid intent(s).");
            return;
        }
        if ((intents & PrivilegedIntents & ~_options.EnabledPrivilegedIntents) != 0)
        {
            await ServerCloseAsync(connection, 4014, "Disallowed intent(s).");
            return;
        }

        var session = new Session(Guid.NewGuid().ToString("N"));
        await _dispatchLock.WaitAsync(ct);
        try
        {
            JsonObject ready;
            lock (_gate)
            {
                _sessions[session.Id] = session;
                _latest = session;
                session.Connection = connection;
                connection.Session = session;
                // Shaped like the documented READY: v, user, guilds, session_id, resume_gateway_url, shard, application.
                ready = Frame(0, new JsonObject
                {
                    ["v"] = 10,
                    ["user"] = new JsonObject
                    {
                        ["id"] = _options.BotUserId,
                        ["username"] = _options.BotUsername,
                        ["discriminator"] = "0",
                        ["bot"] = true,
                    },
                    ["guilds"] = new JsonArray(),
                    ["session_id"] = session.Id,
                    ["resume_gateway_url"] = ResumeUrl.AbsoluteUri.TrimEnd('/'),
                    ["shard"] = new JsonArray(0, 1),
                    ["application"] = new JsonObject { ["id"] = _options.ApplicationId, ["flags"] = 0 },
                }, ++session.Sequence, "READY");
            }
            await connection.SendAsync(ready, ct);
        }
        finally
        {
            _dispatchLock.Release();
        }
    }

    private async Task ResumeAsync(Connection connection, JsonObject? d, CancellationToken ct)
    {
        if (connection.Session is not null)
        {
            await ServerCloseAsync(connection, 4005, "Already authenticated.");
            return;
        }
        if (!TokenMatches(d))
        {
            await ServerCloseAsync(connection, 4004, "Authentication failed.");
            return;
        }
        var sessionId = d!["session_id"] is JsonValue idValue && idValue.TryGetValue<string>(out var id) ? id : null;
        var seq = d["seq"] is JsonValue seqValue && seqValue.TryGetValue<long>(out var n) ? n : -1;

        Task? held;
        lock (_gate) held = _resumeGate?.Task;
        if (held is not null)
        {
            try
            {
                await held.WaitAsync(_options.ResumeHoldTimeout, ct);
            }
            catch (TimeoutException)
            {
                // Held too long: go on, so a forgotten release cannot hang a test.
            }
        }

        await _dispatchLock.WaitAsync(ct);
        try
        {
            List<JsonObject> replay;
            Connection? previous;
            JsonObject resumed;
            lock (_gate)
            {
                if (sessionId is null || !_sessions.TryGetValue(sessionId, out var session) || session.Invalidated || seq < 0 || seq > session.Sequence)
                {
                    replay = [];
                    previous = null;
                    resumed = Frame(9, false);
                }
                else
                {
                    previous = session.Connection;
                    session.Connection = connection;
                    connection.Session = session;
                    replay = [.. session.Buffer.Where(e => e.Sequence > seq).Select(e => e.Frame.DeepClone().AsObject())];
                    _replayed += replay.Count;
                    resumed = Frame(0, new JsonObject(), ++session.Sequence, "RESUMED");
                }
            }
            // A session lives on one connection: an older one still attached is dropped, as Discord does.
            if (previous is not null && previous != connection) Abort(previous);
            foreach (var frame in replay) await connection.SendAsync(frame, ct);
            await connection.SendAsync(resumed, ct);
        }
        finally
        {
            _dispatchLock.Release();
        }
    }

    private bool TokenMatches(JsonObject? d) =>
        d?["token"] is JsonValue value && value.TryGetValue<string>(out var token) && token == _options.BotToken;

    /// <summary>Closes with <paramref name="code"/>; codes that end a session in Discord end it here too.</summary>
    private async Task ServerCloseAsync(Connection connection, int code, string reason)
    {
        lock (_gate)
        {
            connection.ServerCloseStatus = code;
            if (connection.Session is { } session)
            {
                if (session.Connection == connection) session.Connection = null;
                if (EndsSession(code)) session.Invalidated = true;
            }
        }
        await connection.CloseAsync(code, reason);
    }

    private static bool EndsSession(int code) => code is 1000 or 4004 or 4007 or 4009 or (>= 4010 and <= 4014);

    private void Abort(Connection connection)
    {
        lock (_gate)
        {
            connection.Aborted = true;
            if (connection.Session is { } session && session.Connection == connection) session.Connection = null;
        }
        connection.Socket.Abort();
    }
}
