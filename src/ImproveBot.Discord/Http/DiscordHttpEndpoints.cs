using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ImproveBot.Core.Diagnostics;
using ImproveBot.Core.Interactions;
using ImproveBot.Discord.Inbound;
using ImproveBot.Discord.Rendering;
using ImproveBot.Discord.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ImproveBot.Discord.Http;

/// <summary>
/// Discord's Interactions Endpoint URL: <c>POST /discord/interactions</c>. Every request is read raw (bounded), its Ed25519
/// signature checked, and only then parsed; a PING is answered with a PONG here, everything else goes to
/// <see cref="IDiscordInbound"/>. The composition maps this only while the Discord adapter is on.
/// </summary>
internal static partial class DiscordHttpEndpoints
{
    public const string Path = "/discord/interactions";

    /// <summary>The largest body accepted; interactions are a few kB, a modal submission at most about 25 kB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    internal const string SignatureHeader = "X-Signature-Ed25519";
    internal const string TimestampHeader = "X-Signature-Timestamp";

    private const string JsonMediaType = "application/json";
    private const string LoggerCategory = "ImproveBot.Discord.Http";

    // Interactions are shallow; a low cap keeps a hostile-but-signed body from costing much.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static IEndpointRouteBuilder MapDiscordEndpoints(this IEndpointRouteBuilder app)
    {
        // A plain RequestDelegate: nothing may bind or read the body before the signature is checked.
        app.MapPost(Path, RunAsync);
        return app;
    }

    private static async Task RunAsync(HttpContext context)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        var ack = await VerifyAndHandleAsync(context, logger);
        if (ack.AfterResponse is { } after)
        {
            // Started once the response is out, and not awaited by it: the request is done, the follow-up is not.
            context.Response.OnCompleted(() =>
            {
                _ = Task.Run(after);
                return Task.CompletedTask;
            });
        }
        context.Response.StatusCode = ack.StatusCode;
        // A refused body may be partly unread; Kestrel cannot drain it past its own limit and drops the connection after
        // the answer. Saying so lets the client open a new one instead of sending its next request into a closing socket.
        if (ack.StatusCode == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close";
        if (ack.JsonBody is null) return;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(ack.JsonBody, Encoding.UTF8, context.RequestAborted);
    }

    private static async Task<DiscordAck> VerifyAndHandleAsync(HttpContext context, ILogger logger)
    {
        var request = context.Request;
        var body = await ReadBodyAsync(request, logger, context.RequestAborted);
        if (body.Error is { } error) return error;

        var verifier = context.RequestServices.GetRequiredService<DiscordSignatureVerifier>();
        var check = verifier.Verify(SingleHeader(request, TimestampHeader), SingleHeader(request, SignatureHeader), body.Bytes);
        if (check != SignatureCheck.Valid)
        {
            // Discord probes with invalid signatures on purpose (protocol §1): answering anything but 401 gets the endpoint removed.
            LogSignatureRefused(logger, check, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return new DiscordAck(StatusCodes.Status401Unauthorized, null);
        }

        // After the signature, so an unauthenticated caller learns nothing but 401 (or 413 for what we won't read).
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !mediaType.MediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            LogMalformed(logger, $"unexpected Content-Type {LogValue.Clip(request.ContentType)}");
            return Error(StatusCodes.Status415UnsupportedMediaType, "Expected Content-Type application/json.");
        }
        if (!TryParseJson(body.Bytes, out var interaction) || interaction.ValueKind != JsonValueKind.Object)
        {
            LogMalformed(logger, "the body is not a JSON object");
            return Error(StatusCodes.Status400BadRequest, "The body must be a JSON object.");
        }
        if (!interaction.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.Number || !type.TryGetInt32(out var typeValue))
        {
            LogMalformed(logger, "the interaction has no numeric type");
            return Error(StatusCodes.Status400BadRequest, "The interaction needs a numeric type.");
        }
        // PING needs no scope, no database and no bot: Discord sends it to check the endpoint before saving it.
        if (typeValue == (int)InteractionType.Ping) return DiscordAck.Json(DiscordReplies.Pong());

        var inbound = context.RequestServices.GetRequiredService<IDiscordInbound>();
        return await inbound.HandleInteractionAsync(interaction, context.RequestAborted);
    }

    /// <summary>Reads the whole body, refusing more than <see cref="MaxBodyBytes"/> without buffering it.</summary>
    private static async Task<(byte[] Bytes, DiscordAck? Error)> ReadBodyAsync(HttpRequest request, ILogger logger, CancellationToken ct)
    {
        try
        {
            var read = await BoundedBody.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, ct);
            if (read.Bytes is not null) return (read.Bytes, null);
            LogTooLarge(logger, read.TooLargeAt);
            return ([], Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes."));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limit (MaxRequestBodySize) or a broken chunked encoding: the status it chose (413, 400) stands.
            LogMalformed(logger, $"the body could not be read (status {ex.StatusCode})");
            return ([], Error(ex.StatusCode, "The request body could not be read."));
        }
        catch (EndOfStreamException)
        {
            LogMalformed(logger, "the body is shorter than its Content-Length");
            return ([], Error(StatusCodes.Status400BadRequest, "The request body is shorter than its Content-Length."));
        }
    }

    /// <summary>Parses exactly one JSON value. The element owns its memory, so the inbound may keep it after the request.</summary>
    private static bool TryParseJson(ReadOnlySpan<byte> utf8, out JsonElement element)
    {
        element = default;
        // The reader checks structure but leaves string contents to GetString, which would throw later in a handler.
        if (!Utf8.IsValid(utf8)) return false;
        try
        {
            var reader = new Utf8JsonReader(utf8, ReaderOptions);
            element = JsonElement.ParseValue(ref reader);
            // Anything but whitespace after the value (a second object, junk) is malformed too; Read throws on junk.
            if (!reader.Read()) return true;
        }
        catch (JsonException)
        {
        }
        element = default;
        return false;
    }

    /// <summary>A header's value, or null when it is absent; repeated headers are joined, which the verifier refuses.</summary>
    private static string? SingleHeader(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    private static DiscordAck Error(int status, string message) =>
        new(status, new System.Text.Json.Nodes.JsonObject { ["error"] = message }.ToJsonString());

    // Values copied from a request into a log line are bounded so a caller can't flood the log.

    [LoggerMessage(Level = LogLevel.Warning, EventName = "DiscordSignatureRefused", Message = "Refused a Discord interaction from {Remote}: signature check {Reason}")]
    private static partial void LogSignatureRefused(ILogger logger, SignatureCheck reason, string remote);

    [LoggerMessage(Level = LogLevel.Warning, EventName = "DiscordBodyTooLarge", Message = "Refused a Discord interaction: body of {Bytes} bytes is over the limit")]
    private static partial void LogTooLarge(ILogger logger, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, EventName = "DiscordMalformedRequest", Message = "Refused a Discord interaction: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string problem);
}
