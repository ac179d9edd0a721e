using System.Net.WebSockets;
using System.Text;

namespace ImproveBot.Discord.Gateway;

/// <summary>A text WebSocket to the Gateway, behind an interface so the protocol can be tested with a fake.</summary>
internal interface IGatewayConnection : IAsyncDisposable
{
    /// <summary>The next text frame, or null once the server closed the socket (see <see cref="CloseStatus"/>).</summary>
    /// <exception cref="WebSocketException">The connection dropped without a close frame.</exception>
    Task<string?> ReceiveAsync(CancellationToken ct);

    /// <summary>The close code the server sent, once <see cref="ReceiveAsync"/> returned null.</summary>
    int? CloseStatus { get; }

    string? CloseDescription { get; }

    /// <summary>Sends one UTF-8 text frame; sends take turns, as a WebSocket allows one at a time.</summary>
    Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken ct);

    /// <summary>Sends a close frame with <paramref name="code"/> without waiting for the answer (a pending receive gets it).</summary>
    Task CloseAsync(int code, string reason, CancellationToken ct);
}

internal interface IGatewayConnector
{
    Task<IGatewayConnection> ConnectAsync(Uri url, CancellationToken ct);
}

/// <summary>The real thing: <see cref="ClientWebSocket"/>.</summary>
/// <remarks>
/// Disposing aborts the socket rather than closing it politely: a close with 1000 or 1001 would invalidate the
/// Gateway session, so only <see cref="IGatewayConnection.CloseAsync"/> ever sends a close code, and the client
/// picks it.
/// </remarks>
internal sealed class ClientWebSocketGatewayConnector : IGatewayConnector
{
    public async Task<IGatewayConnection> ConnectAsync(Uri url, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        // The Gateway has its own heartbeat; WebSocket pings on top only add traffic.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(url, ct);
            return new Connection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class Connection(ClientWebSocket socket) : IGatewayConnection
    {
        // READY lists every guild and can be large for a big bot; anything beyond this is not the Gateway.
        private const int MaxMessageBytes = 16 * 1024 * 1024;
        private readonly SemaphoreSlim _sendGate = new(1, 1);
        private readonly byte[] _buffer = new byte[16 * 1024];

        public int? CloseStatus => (int?)socket.CloseStatus;
        public string? CloseDescription => socket.CloseStatusDescription;

        public async Task<string?> ReceiveAsync(CancellationToken ct)
        {
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(_buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                message.Write(_buffer, 0, result.Count);
                if (message.Length > MaxMessageBytes) throw new InvalidDataException("Gateway frame too large.");
                if (!result.EndOfMessage) continue;
                // Binary frames only come with ETF or transport compression, neither of which the client asks for.
                if (result.MessageType != WebSocketMessageType.Text)
                {
                    message.SetLength(0);
                    continue;
                }
                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }

        public async Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken ct)
        {
            await _sendGate.WaitAsync(ct);
            try
            {
                await socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, ct);
            }
            finally
            {
                _sendGate.Release();
            }
        }

        public async Task CloseAsync(int code, string reason, CancellationToken ct)
        {
            await _sendGate.WaitAsync(ct);
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, ct);
            }
            finally
            {
                _sendGate.Release();
            }
        }

        public ValueTask DisposeAsync()
        {
            socket.Abort();
            socket.Dispose();
            _sendGate.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
