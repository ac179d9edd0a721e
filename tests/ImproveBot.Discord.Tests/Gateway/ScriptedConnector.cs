using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ImproveBot.Discord.Gateway;

namespace ImproveBot.Discord.Tests.Gateway;

/// <summary>
/// In-memory Gateway connections the test plays the server side of, frame by frame. With a
/// <c>FakeTimeProvider</c> this pins down the client's timing exactly (heartbeat schedule, identify spacing,
/// backoff), which real sockets and real time can only bound from one side.
/// </summary>
internal sealed class ScriptedConnector(TimeProvider clock) : IGatewayConnector
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly Channel<ScriptedConnection> _connections = Channel.CreateUnbounded<ScriptedConnection>();
    private readonly ConcurrentQueue<(Uri Url, DateTimeOffset At)> _attempts = new();
    private volatile bool _refuse;

    /// <summary>Every URL the client tried, in order, with the fake time of the attempt.</summary>
    public IReadOnlyList<(Uri Url, DateTimeOffset At)> Attempts => _attempts.ToArray();

    /// <summary>While set, every connection attempt fails as an unreachable host would.</summary>
    public bool Refuse
    {
        get => _refuse;
        set => _refuse = value;
    }

    public Task<IGatewayConnection> ConnectAsync(Uri url, CancellationToken ct)
    {
        _attempts.Enqueue((url, clock.GetUtcNow()));
        if (_refuse) return Task.FromException<IGatewayConnection>(new System.Net.WebSockets.WebSocketException("refused (test)"));
        var connection = new ScriptedConnection(url, clock);
        _connections.Writer.TryWrite(connection);
        return Task.FromResult<IGatewayConnection>(connection);
    }

    /// <summary>The next connection the client opens (real time, bounded).</summary>
    public async Task<ScriptedConnection> NextAsync() => await _connections.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    public bool TryNext(out ScriptedConnection connection) => _connections.Reader.TryRead(out connection!);
}

/// <summary>A frame the client sent, stamped with the fake time it was sent at.</summary>
internal sealed record SentFrame(JsonObject Frame, DateTimeOffset At)
{
    public int Op => Frame["op"]!.GetValue<int>();
    public JsonNode? D => Frame["d"];
}

internal sealed class ScriptedConnection(Uri url, TimeProvider clock) : IGatewayConnection
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly Channel<string?> _toClient = Channel.CreateUnbounded<string?>();
    private readonly Channel<SentFrame> _fromClient = Channel.CreateUnbounded<SentFrame>();
    private volatile bool _disposed;
    private int _clientClose;

    public Uri Url { get; } = url;
    public int? CloseStatus { get; private set; }
    public string? CloseDescription { get; private set; }

    /// <summary>The code the client closed with, or null.</summary>
    public int? ClientCloseStatus => Volatile.Read(ref _clientClose) is var c and > 0 ? c : null;

    public bool Disposed => _disposed;

    // ---- the client's side ----------------------------------------------------------------------------------

    public async Task<string?> ReceiveAsync(CancellationToken ct)
    {
        try
        {
            return await _toClient.Reader.ReadAsync(ct);
        }
        catch (ChannelClosedException)
        {
            throw new System.Net.WebSockets.WebSocketException("dropped (test)");
        }
    }

    public Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken ct)
    {
        if (_disposed) throw new ObjectDisposedException(nameof(ScriptedConnection));
        _fromClient.Writer.TryWrite(new SentFrame(JsonNode.Parse(Encoding.UTF8.GetString(utf8.Span))!.AsObject(), clock.GetUtcNow()));
        return Task.CompletedTask;
    }

    public Task CloseAsync(int code, string reason, CancellationToken ct)
    {
        Volatile.Write(ref _clientClose, code);
        // The server answers a close with a close.
        CloseFromServer(code);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _toClient.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    // ---- the server's side ----------------------------------------------------------------------------------

    public void Send(JsonObject frame) => _toClient.Writer.TryWrite(frame.ToJsonString());

    public void SendHello(TimeSpan interval) =>
        Send(new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = (int)interval.TotalMilliseconds } });

    public void SendReady(string sessionId, string resumeUrl, long s = 1) =>
        Send(new JsonObject
        {
            ["op"] = 0,
            ["s"] = s,
            ["t"] = "READY",
            ["d"] = new JsonObject
            {
                ["v"] = 10,
                ["session_id"] = sessionId,
                ["resume_gateway_url"] = resumeUrl,
                ["user"] = new JsonObject { ["id"] = "1100000000000000001", ["bot"] = true },
            },
        });

    public void SendOp(int op, JsonNode? d = null) => Send(new JsonObject { ["op"] = op, ["d"] = d });

    public void CloseFromServer(int code)
    {
        if (CloseStatus is not null) return;
        CloseStatus = code;
        CloseDescription = "test";
        _toClient.Writer.TryWrite(null);
    }

    /// <summary>The next frame the client sent (real time, bounded).</summary>
    public async Task<SentFrame> NextSentAsync() => await _fromClient.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    public bool TryNextSent(out SentFrame frame) => _fromClient.Reader.TryRead(out frame!);
}
