using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ImproveBot.Testing.FakeSlack;

// Socket Mode (protocol reference §5): a WebSocket per apps.connections.open ticket, a hello on connect,
// envelopes out, acks back on the same socket, disconnect frames, redelivery of what was not acked.
public sealed partial class FakeSlackServer
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultConnectionWait = TimeSpan.FromSeconds(5);

    // Slack's frames are small; a client frame this big is a bug, and the fake refuses to buffer it.
    private const int MaxClientFrameBytes = 1024 * 1024;

    private readonly Dictionary<string, bool> _tickets = new(StringComparer.Ordinal);
    private readonly List<SocketConnection> _connections = [];
    private readonly Dictionary<string, FakeSocketEnvelope> _envelopes = new(StringComparer.Ordinal);
    private readonly List<FakeSocketEnvelope> _sentEnvelopes = [];
    private readonly List<string> _unacked = [];
    private readonly Dictionary<string, TaskCompletionSource<FakeSocketAck>> _pendingAcks = new(StringComparer.Ordinal);
    private readonly List<FakeSocketAck> _acks = [];
    private readonly List<JsonObject> _clientFrames = [];
    private int _nextConnection;
    private int _connectionsOpened;

    /// <summary>Open Socket Mode connections right now.</summary>
    public int LiveConnectionCount
    {
        get
        {
            lock (_gate) return _connections.Count;
        }
    }

    /// <summary>How many Socket Mode connections were accepted since start (reconnects show up here).</summary>
    public int ConnectionsOpened
    {
        get
        {
            lock (_gate) return _connectionsOpened;
        }
    }

    /// <summary>Every envelope sent (redeliveries included), oldest first.</summary>
    public IReadOnlyList<FakeSocketEnvelope> SentEnvelopes => Snapshot(_sentEnvelopes);

    /// <summary>Envelopes no ack has answered yet on their socket (a redelivered one is replaced by its redelivery).</summary>
    public IReadOnlyList<FakeSocketEnvelope> UnackedEnvelopes
    {
        get
        {
            lock (_gate) return _unacked.Select(id => _envelopes[id]).ToArray();
        }
    }

    /// <summary>Every ack received, oldest first, including those sent on the wrong socket.</summary>
    public IReadOnlyList<FakeSocketAck> Acks => Snapshot(_acks);

    /// <summary>Frames a client sent that are not acks.</summary>
    public IReadOnlyList<JsonObject> OtherClientFrames => Snapshot(_clientFrames);

    /// <summary>Waits (real time, bounded) until at least <paramref name="count"/> connections are open.</summary>
    /// <exception cref="TimeoutException">They did not open in time.</exception>
    public async Task WaitForConnectionsAsync(int count, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var limit = timeout ?? DefaultConnectionWait;
        var started = TimeProvider.System.GetTimestamp();
        // Polling keeps this simple and is bounded: at most limit / 10 ms rounds.
        while (LiveConnectionCount < count)
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
                throw new TimeoutException($"Expected {count} Socket Mode connection(s) within {limit.TotalSeconds:0.#} s; {LiveConnectionCount} open.");
            await Task.Delay(10, ct);
        }
    }

    /// <summary>
    /// Sends an envelope (<c>events_api</c>, <c>slash_commands</c> or <c>interactive</c>) to one open connection
    /// (round robin, as Slack spreads them) and waits for its ack on that socket.
    /// </summary>
    /// <returns>The ack, with its <c>payload</c> when the client sent one.</returns>
    /// <exception cref="TimeoutException">No ack within <paramref name="ackTimeout"/> (default <see cref="FakeSlackOptions.AckTimeout"/>); the envelope stays unacked, ready for <see cref="RedeliverAsync"/>.</exception>
    /// <exception cref="InvalidOperationException">No connection is open.</exception>
    public Task<FakeSocketAck> SendEnvelopeAsync(string type, JsonObject payload, bool acceptsResponsePayload, TimeSpan? ackTimeout = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(payload);
        var frame = new JsonObject
        {
            ["envelope_id"] = Guid.NewGuid().ToString(),
            ["payload"] = payload.DeepClone(),
            ["type"] = type,
            ["accepts_response_payload"] = acceptsResponsePayload,
        };
        // As in the fixtures: events carry the retry fields from the first delivery on; the other types only when redelivered.
        if (type == "events_api")
        {
            frame["retry_attempt"] = 0;
            frame["retry_reason"] = "";
        }
        return DeliverAsync(frame, type, retryAttempt: 0, ackTimeout, ct);
    }

    /// <summary>
    /// Sends an unacked envelope again, as Slack redelivers: the same payload in a new envelope (new
    /// <c>envelope_id</c>, so clients must dedupe on <c>event_id</c>) with <c>retry_attempt</c> one higher and
    /// <c>retry_reason</c> set.
    /// </summary>
    public Task<FakeSocketAck> RedeliverAsync(string envelopeId, string retryReason = "timeout", TimeSpan? ackTimeout = null, CancellationToken ct = default)
    {
        FakeSocketEnvelope original;
        lock (_gate)
        {
            if (!_envelopes.TryGetValue(envelopeId, out original!)) throw new ArgumentException($"No envelope {envelopeId} was sent.", nameof(envelopeId));
            if (!_unacked.Remove(envelopeId)) throw new InvalidOperationException($"Envelope {envelopeId} was acked or already redelivered.");
        }
        var frame = original.Frame.DeepClone().AsObject();
        frame["envelope_id"] = Guid.NewGuid().ToString();
        frame["retry_attempt"] = original.RetryAttempt + 1;
        frame["retry_reason"] = retryReason;
        return DeliverAsync(frame, original.Type, original.RetryAttempt + 1, ackTimeout, ct);
    }

    /// <summary>Sends <c>{"type":"disconnect","reason":…}</c> on every open connection; the sockets stay open, as the client should open a replacement first.</summary>
    public async Task SendDisconnectAsync(string reason = "refresh_requested", CancellationToken ct = default)
    {
        var connections = LiveConnections();
        foreach (var connection in connections)
        {
            // Shaped like the recorded frame (fixture socket_mode_disconnect.json).
            var frame = new JsonObject
            {
                ["type"] = "disconnect",
                ["reason"] = reason,
                ["num_connections"] = connections.Count,
                ["debug_info"] = new JsonObject { ["host"] = "fake-applink" },
                ["connection_info"] = new JsonObject { ["app_id"] = _options.AppId },
            };
            try
            {
                await connection.SendAsync(frame, ct);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException && !ct.IsCancellationRequested)
            {
                // The socket went away meanwhile: nothing to tell it.
            }
        }
    }

    /// <summary>Aborts every open socket without a close handshake, as a network failure would.</summary>
    public Task DropConnectionsAsync()
    {
        List<SocketConnection> dropped;
        lock (_gate)
        {
            dropped = [.. _connections];
            _connections.Clear();
        }
        foreach (var connection in dropped) connection.Socket.Abort();
        return Task.CompletedTask;
    }

    /// <summary>Closes every open socket with a close handshake (bounded), as Slack does at the end of a connection's life.</summary>
    public async Task CloseConnectionsAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string description = "closing")
    {
        foreach (var connection in LiveConnections())
        {
            using var timeout = new CancellationTokenSource(SendTimeout);
            try
            {
                await connection.Socket.CloseOutputAsync(status, description, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                connection.Socket.Abort();
            }
            lock (_gate) _connections.Remove(connection);
        }
    }

    private async Task<FakeSocketAck> DeliverAsync(JsonObject frame, string type, int retryAttempt, TimeSpan? ackTimeout, CancellationToken ct)
    {
        var envelopeId = frame["envelope_id"]!.GetValue<string>();
        var pending = new TaskCompletionSource<FakeSocketAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        SocketConnection connection;
        lock (_gate)
        {
            if (_connections.Count == 0) throw new InvalidOperationException("No Socket Mode connection is open.");
            connection = _connections[_nextConnection++ % _connections.Count];
            // Registered before sending: a fast client may ack before SendAsync returns.
            var envelope = new FakeSocketEnvelope(envelopeId, type, frame.DeepClone().AsObject(), connection.Id, retryAttempt);
            _envelopes[envelopeId] = envelope;
            _sentEnvelopes.Add(envelope);
            _unacked.Add(envelopeId);
            _pendingAcks[envelopeId] = pending;
        }

        var timeout = ackTimeout ?? _options.AckTimeout;
        try
        {
            await connection.SendAsync(frame, ct);
            return await pending.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No ack for {type} envelope {envelopeId} within {timeout.TotalSeconds:0.###} s.");
        }
        finally
        {
            lock (_gate) _pendingAcks.Remove(envelopeId);
        }
    }

    private async Task HandleSocketAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        // A URL from apps.connections.open serves one connection: clients must fetch a fresh one per connection (§5).
        var ticket = http.Request.Query["ticket"].ToString();
        lock (_gate)
        {
            if (!_tickets.TryGetValue(ticket, out var used) || used)
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            _tickets[ticket] = true;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        SocketConnection connection;
        lock (_gate) connection = new SocketConnection($"conn-{++_connectionsOpened}", socket);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, http.RequestAborted);
        try
        {
            // Listed and greeted under the send lock: the connection counts as live at once, and no envelope
            // can overtake the hello.
            await connection.SendFirstAsync(() =>
            {
                lock (_gate)
                {
                    _connections.Add(connection);
                    return Hello(_connections.Count);
                }
            }, lifetime.Token);
            await ReceiveAsync(connection, lifetime.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the fake is stopping: the connection is over either way.
        }
        finally
        {
            lock (_gate) _connections.Remove(connection);
            connection.Dispose();
        }
    }

    private JsonObject Hello(int numConnections) => new()
    {
        ["type"] = "hello",
        ["num_connections"] = numConnections,
        ["debug_info"] = new JsonObject
        {
            ["host"] = "fake-applink",
            ["build_number"] = 1,
            ["approximate_connection_time"] = 18060,
        },
        ["connection_info"] = new JsonObject { ["app_id"] = _options.AppId },
    };

    /// <summary>Reads client frames until the socket closes; the loop ends with the socket or the fake.</summary>
    private async Task ReceiveAsync(SocketConnection connection, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (connection.Socket.State == WebSocketState.Open && !ct.IsCancellationRequested)
        {
            message.SetLength(0);
            WebSocketReceiveResult result;
            do
            {
                result = await connection.Socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    using var timeout = new CancellationTokenSource(SendTimeout);
                    await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                    return;
                }
                if (message.Length + result.Count > MaxClientFrameBytes)
                {
                    connection.Socket.Abort();
                    return;
                }
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Text) OnClientFrame(connection, message.ToArray());
        }
    }

    private void OnClientFrame(SocketConnection connection, byte[] bytes)
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
        frame ??= new JsonObject { ["unparsed"] = Encoding.UTF8.GetString(bytes) };

        if (frame["envelope_id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var envelopeId))
        {
            lock (_gate) _clientFrames.Add(frame);
            return;
        }

        TaskCompletionSource<FakeSocketAck>? pending = null;
        lock (_gate)
        {
            var sameSocket = _envelopes.TryGetValue(envelopeId, out var envelope) && envelope.ConnectionId == connection.Id;
            var ack = new FakeSocketAck(envelopeId, frame["payload"]?.DeepClone() as JsonObject, connection.Id, sameSocket, frame);
            _acks.Add(ack);
            // Slack counts an ack only on the socket that carried the envelope (§5.4).
            if (sameSocket)
            {
                _unacked.Remove(envelopeId);
                if (_pendingAcks.Remove(envelopeId, out pending)) pending.TrySetResult(ack);
            }
        }
    }

    private List<SocketConnection> LiveConnections()
    {
        lock (_gate) return [.. _connections];
    }

    private void AbortAllSockets()
    {
        List<SocketConnection> all;
        List<TaskCompletionSource<FakeSocketAck>> waiting;
        lock (_gate)
        {
            all = [.. _connections];
            _connections.Clear();
            waiting = [.. _pendingAcks.Values];
            _pendingAcks.Clear();
        }
        foreach (var connection in all) connection.Socket.Abort();
        foreach (var pending in waiting) pending.TrySetException(new ObjectDisposedException(nameof(FakeSlackServer)));
    }

    /// <summary>One accepted WebSocket; sends are serialised because a WebSocket allows one send at a time.</summary>
    private sealed class SocketConnection(string id, WebSocket socket) : IDisposable
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public string Id { get; } = id;
        public WebSocket Socket { get; } = socket;

        public Task SendAsync(JsonObject frame, CancellationToken ct) => SendFirstAsync(() => frame, ct);

        /// <summary>Takes the send lock, then builds the frame (so whatever <paramref name="frame"/> does happens before any later send), then sends it.</summary>
        public async Task SendFirstAsync(Func<JsonObject> frame, CancellationToken ct)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(SendTimeout);
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                var bytes = Encoding.UTF8.GetBytes(frame().ToJsonString());
                await Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }

        public void Dispose() => _sendLock.Dispose();
    }
}
