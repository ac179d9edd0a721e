using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ImproveBot.Core.Diagnostics;
using ImproveBot.Core.Interactions;
using ImproveBot.Slack.Inbound;
using ImproveBot.Slack.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ImproveBot.Slack.Http;

/// <summary>
/// Slack's HTTP-mode request URLs: <c>POST /slack/commands</c>, <c>/slack/events</c> and <c>/slack/interactions</c>.
/// Every request is read raw (bounded), its signature checked, and only then parsed and handed to <see cref="ISlackInbound"/>.
/// The composition maps these only while the Slack adapter is on.
/// </summary>
internal static partial class SlackHttpEndpoints
{
    /// <summary>The largest body accepted; Slack's payloads are a few kB, modal submissions at most a few hundred.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    internal const string TimestampHeader = "X-Slack-Request-Timestamp";
    internal const string SignatureHeader = "X-Slack-Signature";
    internal const string RetryNumHeader = "X-Slack-Retry-Num";

    private const string FormMediaType = "application/x-www-form-urlencoded";
    private const string JsonMediaType = "application/json";
    private const string LoggerCategory = "ImproveBot.Slack.Http";

    // Slack's payloads are shallow; a low cap keeps a hostile-but-signed body from costing much.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static IEndpointRouteBuilder MapSlackEndpoints(this IEndpointRouteBuilder app)
    {
        // Plain RequestDelegates: nothing may bind or read the body before the signature is checked.
        app.MapPost("/slack/commands", context => RunAsync(context, FormMediaType, HandleCommandAsync, noRetryOnClientError: false));
        // Slack redelivers events that fail; one it sent malformed will fail the same way every time.
        app.MapPost("/slack/events", context => RunAsync(context, JsonMediaType, HandleEventAsync, noRetryOnClientError: true));
        app.MapPost("/slack/interactions", context => RunAsync(context, FormMediaType, HandleInteractionAsync, noRetryOnClientError: false));
        return app;
    }

    /// <summary>What a handler decided: a status and an optional JSON body (the <see cref="SlackAck"/> shape).</summary>
    private delegate Task<SlackAck> Handler(HttpContext context, byte[] body, ILogger logger);

    private static async Task RunAsync(HttpContext context, string mediaType, Handler handler, bool noRetryOnClientError)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        var path = context.Request.Path.Value ?? "";
        var ack = await VerifyAndHandleAsync(context, mediaType, handler, logger, path);
        // Not for 401: a wrong or missing secret is fixed by the operator, and the retries then get through.
        if (noRetryOnClientError && ack.StatusCode is >= 400 and < 500 and not StatusCodes.Status401Unauthorized)
            context.Response.Headers["X-Slack-No-Retry"] = "1";
        // A refused body may be partly unread; Kestrel cannot drain it past its own limit and drops the connection after
        // the answer. Saying so lets the client open a new one instead of sending its next request into a closing socket.
        if (ack.StatusCode == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close";
        await WriteAckAsync(context.Response, ack, context.RequestAborted);
    }

    private static async Task<SlackAck> VerifyAndHandleAsync(HttpContext context, string mediaType, Handler handler, ILogger logger, string path)
    {
        var request = context.Request;
        var body = await ReadBodyAsync(request, logger, path, context.RequestAborted);
        if (body.Error is { } error) return error;

        var verifier = context.RequestServices.GetRequiredService<SlackSignatureVerifier>();
        var check = verifier.Verify(SingleHeader(request, TimestampHeader), SingleHeader(request, SignatureHeader), body.Bytes);
        if (check != SignatureCheck.Valid)
        {
            LogSignatureRefused(logger, path, check, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return new SlackAck(StatusCodes.Status401Unauthorized, null);
        }

        // After the signature, so an unauthenticated caller learns nothing but 401 (or 413 for what we won't read).
        if (!HasMediaType(request, mediaType))
        {
            LogUnsupportedMediaType(logger, path, LogValue.Clip(request.ContentType));
            return Error(StatusCodes.Status415UnsupportedMediaType, $"Expected Content-Type {mediaType}.");
        }

        return await handler(context, body.Bytes, logger);
    }

    private static Task<SlackAck> HandleCommandAsync(HttpContext context, byte[] body, ILogger logger)
    {
        var form = ParseForm(body);
        // Slack probes the certificate with ssl_check=1 (and no command); it only wants a 200.
        if (form.TryGetValue("ssl_check", out var ssl) && ssl == "1") return Task.FromResult(SlackAck.Empty);

        string? missing = null;
        string Required(string name)
        {
            var value = Optional(form, name);
            if (string.IsNullOrEmpty(value)) missing ??= name;
            return value ?? "";
        }

        var command = new SlashCommand(
            TeamId: Required("team_id"),
            TeamDomain: Optional(form, "team_domain"),
            EnterpriseId: Optional(form, "enterprise_id"),
            ChannelId: Required("channel_id"),
            UserId: Required("user_id"),
            UserName: Optional(form, "user_name"),
            Command: Required("command"),
            // A command typed without arguments arrives as "text=" (or, defensively, without the field): both mean "".
            Text: Optional(form, "text") ?? "",
            ResponseUrl: Optional(form, "response_url"),
            TriggerId: Optional(form, "trigger_id"),
            ApiAppId: Optional(form, "api_app_id"));
        if (missing is not null)
        {
            LogMalformed(logger, context.Request.Path.Value ?? "", $"the slash command has no {missing}");
            return Task.FromResult(Error(StatusCodes.Status400BadRequest, $"The slash command needs exactly one non-empty field {missing}."));
        }

        var inbound = context.RequestServices.GetRequiredService<ISlackInbound>();
        return inbound.HandleSlashCommandAsync(command, context.RequestAborted);
    }

    private static async Task<SlackAck> HandleEventAsync(HttpContext context, byte[] body, ILogger logger)
    {
        var path = context.Request.Path.Value ?? "";
        if (!TryParseJson(body, out var envelope))
        {
            LogMalformed(logger, path, "the event body is not valid JSON");
            return Error(StatusCodes.Status400BadRequest, "The body is not valid JSON.");
        }
        if (envelope.ValueKind != JsonValueKind.Object
            || !envelope.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            LogMalformed(logger, path, "the event has no type");
            return Error(StatusCodes.Status400BadRequest, "The body must be a JSON object with a string type.");
        }

        var type = typeElement.GetString()!;
        switch (type)
        {
            case "url_verification":
                if (!envelope.TryGetProperty("challenge", out var challenge) || challenge.ValueKind != JsonValueKind.String)
                {
                    LogMalformed(logger, path, "url_verification without a challenge");
                    return Error(StatusCodes.Status400BadRequest, "url_verification needs a string challenge.");
                }
                LogUrlVerification(logger);
                return SlackAck.Json(JsonObjectString("challenge", challenge.GetString()!));

            case "event_callback":
                var retryNum = ParseRetryNum(SingleHeader(context.Request, RetryNumHeader));
                var inbound = context.RequestServices.GetRequiredService<ISlackInbound>();
                return await inbound.HandleEventAsync(envelope, retryNum, context.RequestAborted);

            default:
                // app_rate_limited and anything Slack adds later: acknowledged so Slack keeps the subscription healthy.
                LogIgnoredEventType(logger, LogValue.Clip(type));
                return SlackAck.Empty;
        }
    }

    private static async Task<SlackAck> HandleInteractionAsync(HttpContext context, byte[] body, ILogger logger)
    {
        var path = context.Request.Path.Value ?? "";
        var payloadText = Optional(ParseForm(body), "payload");
        if (string.IsNullOrEmpty(payloadText))
        {
            LogMalformed(logger, path, "the interaction has no payload field");
            return Error(StatusCodes.Status400BadRequest, "The form must have one payload field holding JSON.");
        }

        if (!TryParseJson(Encoding.UTF8.GetBytes(payloadText), out var payload))
        {
            LogMalformed(logger, path, "the interaction payload is not valid JSON");
            return Error(StatusCodes.Status400BadRequest, "The payload field is not valid JSON.");
        }
        if (payload.ValueKind != JsonValueKind.Object)
        {
            LogMalformed(logger, path, "the interaction payload is not a JSON object");
            return Error(StatusCodes.Status400BadRequest, "The payload field must hold a JSON object.");
        }

        var inbound = context.RequestServices.GetRequiredService<ISlackInbound>();
        return await inbound.HandleInteractionAsync(payload, context.RequestAborted);
    }

    /// <summary>Reads the whole body, refusing more than <see cref="MaxBodyBytes"/> without buffering it.</summary>
    private static async Task<(byte[] Bytes, SlackAck? Error)> ReadBodyAsync(HttpRequest request, ILogger logger, string path, CancellationToken ct)
    {
        try
        {
            var read = await BoundedBody.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, ct);
            if (read.Bytes is not null) return (read.Bytes, null);
            LogTooLarge(logger, path, read.TooLargeAt);
            return ([], Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes."));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limit (MaxRequestBodySize) or a broken chunked encoding: the status it chose (413, 400) stands.
            LogBadTransport(logger, path, ex.StatusCode);
            return ([], Error(ex.StatusCode, "The request body could not be read."));
        }
        catch (EndOfStreamException)
        {
            LogBadTransport(logger, path, StatusCodes.Status400BadRequest);
            return ([], Error(StatusCodes.Status400BadRequest, "The request body is shorter than its Content-Length."));
        }
    }

    private static async Task WriteAckAsync(HttpResponse response, SlackAck ack, CancellationToken ct)
    {
        response.StatusCode = ack.StatusCode;
        if (ack.JsonBody is null) return;
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(ack.JsonBody, Encoding.UTF8, ct);
    }

    private static Dictionary<string, StringValues> ParseForm(byte[] body) =>
        // The body was read as bytes for the signature; decoding it here is the only parse it gets.
        QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));

    /// <summary>A field's value; a field sent more than once counts as absent rather than guessing which one is meant.</summary>
    private static string? Optional(Dictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    /// <summary>Parses exactly one JSON value. The element owns its memory, so an inbound handler may keep it after the request.</summary>
    private static bool TryParseJson(ReadOnlySpan<byte> utf8, out JsonElement element)
    {
        element = default;
        // The reader checks structure but leaves string contents to GetString, which would throw later in a handler.
        if (!Utf8.IsValid(utf8)) return false;

        // The try covers parsing only: a JsonException from an inbound handler is a bug of ours, not a bad request.
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

    private static bool HasMediaType(HttpRequest request, string expected) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
        && parsed.MediaType.Equals(expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>A header's value, or null when it is absent; repeated headers are joined, which the verifier refuses.</summary>
    private static string? SingleHeader(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    /// <summary>Slack's retry counter (1..3); absent or unreadable means a first delivery.</summary>
    internal static int ParseRetryNum(string? header) =>
        int.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static SlackAck Error(int status, string message) => new(status, JsonObjectString("error", message));

    private static string JsonObjectString(string name, string value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString(name, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    // Values copied from a request into a log line are bounded so a caller can't flood the log.

    [LoggerMessage(Level = LogLevel.Warning, EventName = "SlackSignatureRefused", Message = "Refused a Slack request to {Path} from {Remote}: signature check {Reason}")]
    private static partial void LogSignatureRefused(ILogger logger, string path, SignatureCheck reason, string remote);

    [LoggerMessage(Level = LogLevel.Warning, EventName = "SlackBodyTooLarge", Message = "Refused a Slack request to {Path}: body of {Bytes} bytes is over the limit")]
    private static partial void LogTooLarge(ILogger logger, string path, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, EventName = "SlackBodyUnreadable", Message = "Refused a Slack request to {Path}: the body could not be read (status {Status})")]
    private static partial void LogBadTransport(ILogger logger, string path, int status);

    [LoggerMessage(Level = LogLevel.Warning, EventName = "SlackUnsupportedMediaType", Message = "Refused a Slack request to {Path}: unexpected Content-Type {ContentType}")]
    private static partial void LogUnsupportedMediaType(ILogger logger, string path, string contentType);

    [LoggerMessage(Level = LogLevel.Warning, EventName = "SlackMalformedRequest", Message = "Refused a signed Slack request to {Path}: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string path, string problem);

    [LoggerMessage(Level = LogLevel.Information, EventName = "SlackUrlVerification", Message = "Answered Slack's url_verification challenge")]
    private static partial void LogUrlVerification(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, EventName = "SlackEventIgnored", Message = "Acknowledged a Slack event envelope of type {Type} without handling it")]
    private static partial void LogIgnoredEventType(ILogger logger, string type);
}
