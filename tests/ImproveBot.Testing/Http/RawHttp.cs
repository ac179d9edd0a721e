using System.Net.Sockets;
using System.Text;

namespace ImproveBot.Testing.Http;

/// <summary>HTTP/1.1 requests written by hand on a socket, for what HttpClient will not send (a body cut short).</summary>
public static class RawHttp
{
    /// <summary>
    /// POSTs <paramref name="sent"/> under a Content-Length of <paramref name="announced"/>, then closes the sending side,
    /// as a client that dies mid-upload does; returns the status code of the answer (0 when the server sent none).
    /// Bounded: 10 s for the whole exchange.
    /// </summary>
    public static async Task<int> PostTruncatedAsync(Uri baseAddress, string path, string contentType, int announced, byte[] sent)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
        var stream = client.GetStream();
        var head = $"POST /{path.TrimStart('/')} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nContent-Type: {contentType}\r\nContent-Length: {announced}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
        await stream.WriteAsync(sent, timeout.Token);
        client.Client.Shutdown(SocketShutdown.Send);

        var answer = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0) answer.Write(buffer, 0, read);
        }
        catch (IOException) when (answer.Length == 0)
        {
            return 0; // reset without an answer
        }
        var text = Encoding.ASCII.GetString(answer.ToArray());
        // "HTTP/1.1 400 Bad Request"
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(text.AsSpan(9, 3), out var status) ? status : 0;
    }
}
