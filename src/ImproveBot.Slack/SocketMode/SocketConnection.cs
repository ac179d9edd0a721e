using System.Net.WebSockets;
using System.Text;

namespace ImproveBot.Slack.SocketMode;

/// <summary>A text WebSocket, behind an interface so reconnect logic can be tested with a fake.</summary>
internal interface ISocketConnection : IAsyncDisposable
{
    /// <summary>The next text frame, or null when the socket closed.</summary>
    Task<string?> ReceiveAsync(CancellationToken ct);

    Task SendAsync(string text, CancellationToken ct);
}

internal interface ISocketConnector
{
    Task<ISocketConnection> ConnectAsync(Uri url, CancellationToken ct);
}

/// <summary>The real thing: <see cref="ClientWebSocket"/>, which also answers the server's pings.</summary>
internal sealed class ClientWebSocketConnector : ISocketConnector
{
    public async Task<ISocketConnection> ConnectAsync(Uri url, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
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

    private sealed class Connection(ClientWebSocket socket) : ISocketConnection
    {
        // Slack's frames are small; anything beyond this is not Slack and is dropped with the connection.
        private const int MaxMessageBytes = 4 * 1024 * 1024;
        private readonly SemaphoreSlim _sendGate = new(1, 1);

        public async Task<string?> ReceiveAsync(CancellationToken ct)
        {
            var buffer = new byte[16 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxMessageBytes) throw new InvalidDataException("Socket Mode frame too large.");
                if (result.EndOfMessage)
                {
                    if (result.MessageType != WebSocketMessageType.Text) { message.SetLength(0); continue; }
                    return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                }
            }
        }

        public async Task SendAsync(string text, CancellationToken ct)
        {
            // WebSocket allows one send at a time; acks of concurrently handled envelopes take turns.
            await _sendGate.WaitAsync(ct);
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, ct);
            }
            finally
            {
                _sendGate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Closing politely is a courtesy; the socket goes either way.
            }
            socket.Dispose();
            _sendGate.Dispose();
        }
    }
}
