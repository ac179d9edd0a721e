using System.Buffers;

namespace ImproveBot.Core.Interactions;

/// <summary>
/// Reads a whole inbound request body (a platform's webhook: Slack, Discord), refusing more than a limit without
/// buffering it. Shared by the HTTP adapters, which map the outcome onto their own answers and log lines.
/// </summary>
internal static class BoundedBody
{
    /// <summary>What reading gave: the bytes, or, when the body is over the limit, the size that showed it.</summary>
    internal readonly record struct Result(byte[]? Bytes, long TooLargeAt);

    /// <summary>
    /// Reads <paramref name="body"/> to its end. A body whose <paramref name="contentLength"/> is over
    /// <paramref name="maxBytes"/> is refused before anything is read; without a length, reading stops at the first
    /// chunk too many. Throws <see cref="EndOfStreamException"/> when the body ends before its announced length, and
    /// lets the server's own read errors through.
    /// </summary>
    public static async ValueTask<Result> ReadAsync(Stream body, long? contentLength, int maxBytes, CancellationToken ct)
    {
        if (contentLength > maxBytes) return new Result(null, contentLength.Value);
        // A body of announced length goes straight into an array of that size: no growing buffer and no copy of it.
        // Kestrel ends the body at that length, and fails one that ends early.
        if (contentLength is { } length)
        {
            var bytes = new byte[length];
            await body.ReadExactlyAsync(bytes, ct);
            return new Result(bytes, 0);
        }

        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var buffer = new MemoryStream(4096);
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                // Without a Content-Length (chunked) the size is only known by reading; stop at the first byte too many.
                if (buffer.Length + read > maxBytes) return new Result(null, buffer.Length + read);
                buffer.Write(chunk, 0, read);
            }
            return new Result(buffer.ToArray(), 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
