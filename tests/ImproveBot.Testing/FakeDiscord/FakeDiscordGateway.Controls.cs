using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace ImproveBot.Testing.FakeDiscord;

// What tests do to the fake (dispatch, reconnect, invalidate, close, drop) and what they read back.
public sealed partial class FakeDiscordGateway
{
    private readonly List<FakeGatewayDispatch> _dispatches = [];
    private bool _dropOnNextDispatch;
    private volatile bool _ackHeartbeats = true;

    /// <summary>Whether heartbeats get an ACK (opcode 11). Turn off to make the connection look like a zombie to the client.</summary>
    public bool AckHeartbeats
    {
        get => _ackHeartbeats;
        set => _ackHeartbeats = value;
    }

    // ---- what was received ------------------------------------------------------------------------------------

    /// <summary>Every frame clients sent, oldest first.</summary>
    public IReadOnlyList<FakeGatewayFrame> ClientFrames => Snapshot(_frames);

    public IReadOnlyList<FakeGatewayFrame> Identifies => FramesWithOp(2);
    public IReadOnlyList<FakeGatewayFrame> Resumes => FramesWithOp(6);
    public IReadOnlyList<FakeGatewayFrame> Heartbeats => FramesWithOp(1);

    /// <summary>Every connection accepted, oldest first, with how it ended so far.</summary>
    public IReadOnlyList<FakeGatewayConnection> Connections
    {
        get
        {
            lock (_gate) return _allConnections.Select(c => c.ToRecord()).ToArray();
        }
    }

    public int ConnectionsOpened
    {
        get
        {
            lock (_gate) return _connectionsOpened;
        }
    }

    public int LiveConnectionCount
    {
        get
        {
            lock (_gate) return _live.Count;
        }
    }

    /// <summary>The newest session (the one <see cref="DispatchAsync"/> sends to), or null before the first IDENTIFY.</summary>
    public string? SessionId
    {
        get
        {
            lock (_gate) return _latest?.Id;
        }
    }

    /// <summary>The newest session's last sequence number.</summary>
    public long Sequence
    {
        get
        {
            lock (_gate) return _latest?.Sequence ?? 0;
        }
    }

    /// <summary>Whether the newest session has a connection serving it (identified or resumed, and not closed since).</summary>
    public bool SessionConnected
    {
        get
        {
            lock (_gate) return _latest is { Connection: not null, Invalidated: false };
        }
    }

    /// <summary>How many dispatches RESUMEs replayed in all.</summary>
    public int ReplayedCount
    {
        get
        {
            lock (_gate) return _replayed;
        }
    }

    /// <summary>Every dispatch made through <see cref="DispatchAsync"/>, oldest first.</summary>
    public IReadOnlyList<FakeGatewayDispatch> Dispatches => Snapshot(_dispatches);

    /// <summary>Forgets recorded frames and dispatch records; sessions and connections stay.</summary>
    public void ClearRecords()
    {
        lock (_gate)
        {
            _frames.Clear();
            _dispatches.Clear();
        }
    }

    // ---- events -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Dispatches an event (opcode 0) on the newest session: numbers it, keeps it for replay, and sends it if a
    /// connection serves the session. With no connection (dropped, or not yet resumed) it waits for a RESUME.
    /// </summary>
    /// <returns>The event's sequence number <c>s</c>.</returns>
    /// <exception cref="InvalidOperationException">There is no live session (never identified, or invalidated).</exception>
    public async Task<long> DispatchAsync(string type, JsonObject data, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(data);
        if (!await _dispatchLock.WaitAsync(TimeSpan.FromSeconds(10), ct)) throw new TimeoutException("Another dispatch or resume held the fake for 10 s.");
        try
        {
            long s;
            JsonObject frame;
            Connection? connection;
            bool drop;
            lock (_gate)
            {
                var session = _latest is { Invalidated: false } latest ? latest : throw new InvalidOperationException("No live Gateway session to dispatch to.");
                s = ++session.Sequence;
                frame = Frame(0, data.DeepClone(), s, type);
                session.Buffer.Add((s, frame));
                _dispatches.Add(new FakeGatewayDispatch(session.Id, s, type, data.DeepClone().AsObject()));
                connection = session.Connection;
                drop = _dropOnNextDispatch && connection is not null;
                if (drop) _dropOnNextDispatch = false;
            }
            if (connection is null) return s;
            if (drop)
            {
                // Lost on the wire: the connection dies while the event is on its way, so only a RESUME can bring it.
                Abort(connection);
                return s;
            }
            try
            {
                await connection.SendAsync(frame.DeepClone().AsObject(), ct);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException && !ct.IsCancellationRequested)
            {
                // The socket went away meanwhile: the event waits in the buffer for a RESUME.
            }
            return s;
        }
        finally
        {
            _dispatchLock.Release();
        }
    }

    /// <summary>
    /// Dispatches a MESSAGE_CREATE shaped like the documented message object (fixture <c>message_object_example.json</c>):
    /// a DM by default (no <c>guild_id</c>, <c>channel_type</c> 1); give <paramref name="guildId"/> for a guild
    /// message, <paramref name="authorIsBot"/> for a bot's.
    /// </summary>
    public Task<long> SendMessageCreateAsync(string messageId, string authorId, string content, string? channelId = null,
        string? guildId = null, bool authorIsBot = false, int type = 0, CancellationToken ct = default)
    {
        var author = new JsonObject
        {
            ["id"] = authorId,
            ["username"] = "user" + authorId[^Math.Min(4, authorId.Length)..],
            ["discriminator"] = "0",
            ["avatar"] = null,
            ["global_name"] = null,
        };
        if (authorIsBot) author["bot"] = true;
        var message = new JsonObject
        {
            ["id"] = messageId,
            ["channel_id"] = channelId ?? "2" + authorId,
            ["author"] = author,
            ["content"] = content,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz"),
            ["edited_timestamp"] = null,
            ["tts"] = false,
            ["mention_everyone"] = false,
            ["mentions"] = new JsonArray(),
            ["mention_roles"] = new JsonArray(),
            ["attachments"] = new JsonArray(),
            ["embeds"] = new JsonArray(),
            ["pinned"] = false,
            ["type"] = type,
            ["channel_type"] = guildId is null ? 1 : 0,
        };
        if (guildId is not null)
        {
            message["guild_id"] = guildId;
            message["member"] = new JsonObject { ["roles"] = new JsonArray(), ["joined_at"] = "2024-01-01T00:00:00.000000+00:00" };
        }
        return DispatchAsync("MESSAGE_CREATE", message, ct);
    }

    /// <summary>The next <see cref="DispatchAsync"/> is lost on the wire: kept for replay, but the connection is dropped (no close frame) instead of sending it.</summary>
    public void DropConnectionOnNextDispatch()
    {
        lock (_gate) _dropOnNextDispatch = true;
    }

    // ---- connection control ----------------------------------------------------------------------------------------

    /// <summary>Sends a Heartbeat request (opcode 1) on every live connection; the client must answer at once.</summary>
    public Task RequestHeartbeatAsync(CancellationToken ct = default) => SendToLiveAsync(() => Frame(1, null), ct);

    /// <summary>Sends Reconnect (opcode 7) on every live connection; the session stays resumable.</summary>
    public Task SendReconnectAsync(CancellationToken ct = default) => SendToLiveAsync(() => Frame(7, null), ct);

    /// <summary>
    /// Sends Invalid Session (opcode 9) on every live connection. With <paramref name="resumable"/> false the
    /// sessions end (a RESUME of them gets opcode 9 again); with true they can still be resumed.
    /// </summary>
    public Task SendInvalidSessionAsync(bool resumable, CancellationToken ct = default)
    {
        if (!resumable)
        {
            lock (_gate)
            {
                foreach (var connection in _live)
                {
                    if (connection.Session is { } session)
                    {
                        session.Invalidated = true;
                        if (session.Connection == connection) session.Connection = null;
                    }
                }
            }
        }
        return SendToLiveAsync(() => Frame(9, resumable), ct);
    }

    /// <summary>Sends a raw text frame on every live connection (to test how a client takes garbage).</summary>
    public async Task SendRawAsync(string text, CancellationToken ct = default)
    {
        foreach (var connection in LiveConnections())
        {
            try
            {
                await connection.Socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
            {
                // Gone meanwhile.
            }
        }
    }

    /// <summary>Closes every live connection with <paramref name="code"/> (a close handshake, bounded). Codes that end sessions in Discord (4007, 4009, fatal ones) end them here.</summary>
    public async Task CloseConnectionsAsync(int code, string reason = "")
    {
        foreach (var connection in LiveConnections()) await ServerCloseAsync(connection, code, reason);
    }

    /// <summary>Aborts every live connection without a close frame, as a network failure would. Sessions stay resumable.</summary>
    public Task DropConnectionsAsync()
    {
        foreach (var connection in LiveConnections()) Abort(connection);
        return Task.CompletedTask;
    }

    /// <summary>RESUMEs wait (bounded) until <see cref="ReleaseResumes"/>: lets a test dispatch while the client is between connections.</summary>
    public void HoldResumes()
    {
        lock (_gate) _resumeGate ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseResumes()
    {
        TaskCompletionSource? gate;
        lock (_gate)
        {
            gate = _resumeGate;
            _resumeGate = null;
        }
        gate?.TrySetResult();
    }

    private async Task SendToLiveAsync(Func<JsonObject> frame, CancellationToken ct)
    {
        foreach (var connection in LiveConnections())
        {
            try
            {
                await connection.SendAsync(frame(), ct);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException && !ct.IsCancellationRequested)
            {
                // Gone meanwhile: nothing to tell it.
            }
        }
    }

    private List<Connection> LiveConnections()
    {
        lock (_gate) return [.. _live.Where(c => c.ServerCloseStatus is null && !c.Aborted)];
    }

    private IReadOnlyList<FakeGatewayFrame> FramesWithOp(int op)
    {
        lock (_gate) return _frames.Where(f => f.Op == op).ToArray();
    }
}
