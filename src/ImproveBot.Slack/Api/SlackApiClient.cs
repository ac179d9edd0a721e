using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace ImproveBot.Slack.Api;

/// <summary>
/// <see cref="ISlackApi"/> over HttpClient, as the team's Slack protocol reference (§6, Web API) describes it: JSON bodies
/// with an explicit charset, the token in the <c>Authorization</c> header, <c>ok</c> checked on every answer
/// (Slack says HTTP 200 even when a call fails).
/// </summary>
/// <remarks>
/// Each call first takes a client-side permit (<see cref="SlackRateLimits"/>), then runs through a Polly pipeline:
/// the outer retry sleeps through short HTTP 429s as <c>Retry-After</c> asks; the inner one retries 5xx answers,
/// network errors and attempt timeouts with jittered exponential backoff. Both are bounded, and the delays run on
/// the injected <see cref="TimeProvider"/>. A singleton: it asks <see cref="IHttpClientFactory"/> for a client per
/// call, so pooled handlers still rotate (DNS changes) however long the bot runs.
/// </remarks>
internal sealed partial class SlackApiClient : ISlackApi
{
    /// <summary>The error code for an answer that is not what Slack documents (not JSON, or a field missing).</summary>
    public const string InvalidResponseError = "invalid_response";

    private static readonly MediaTypeHeaderValue JsonUtf8 = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
    private static readonly MediaTypeHeaderValue FormUrlEncoded = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded");
    private static readonly byte[] EmptyJsonObject = "{}"u8.ToArray();

    // chat.postMessage has no idempotency key: a 5xx, timeout or cut answer may come after Slack posted the message, so
    // the client does not repeat it blindly. The outbox retries it instead, after looking for it in the DM (message metadata).
    private static readonly ResiliencePropertyKey<bool> NotIdempotent = new("improvebot.slack.not-idempotent");

    private readonly IHttpClientFactory _httpFactory;
    private readonly IOptions<SlackOptions> _options;
    private readonly SlackRateLimits _limits;
    private readonly SlackApiPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<SlackApiClient> _logger;
    private readonly ResiliencePipeline<SlackHttpResult> _pipeline;

    public SlackApiClient(
        IHttpClientFactory httpFactory,
        IOptions<SlackOptions> options,
        SlackRateLimits limits,
        SlackApiPolicy policy,
        TimeProvider time,
        ILogger<SlackApiClient> logger)
    {
        _httpFactory = httpFactory;
        _options = options;
        _limits = limits;
        _policy = policy;
        _time = time;
        _logger = logger;
        _pipeline = BuildPipeline();
    }

    public async Task<SlackIdentity> AuthTestAsync(CancellationToken ct)
    {
        const string method = SlackMethods.AuthTest;
        var answer = await CallAsync(method, BotToken, RequestBody.Json(EmptyJsonObject), channel: null, SlackWireJson.Default.AuthTestResponse, ct);
        if (string.IsNullOrEmpty(answer.UserId) || string.IsNullOrEmpty(answer.TeamId))
            throw new SlackApiException(method, InvalidResponseError, "user_id or team_id missing");
        return new SlackIdentity(answer.UserId, answer.BotId, answer.TeamId, answer.Team);
    }

    public async Task<string> OpenDirectMessageAsync(string userId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        const string method = SlackMethods.ConversationsOpen;
        var body = JsonBody(w => w.WriteString("users", userId));
        var answer = await CallAsync(method, BotToken, body, channel: null, SlackWireJson.Default.ConversationsOpenResponse, ct);
        return answer.Channel?.Id is { Length: > 0 } id ? id : throw new SlackApiException(method, InvalidResponseError, "channel.id missing");
    }

    public async Task<string> PostMessageAsync(string channel, string text, JsonArray? blocks, string? threadTs, JsonObject? metadata, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(text);
        const string method = SlackMethods.ChatPostMessage;
        // Written straight from the caller's nodes: adding them to a new JsonObject would re-parent (and so steal)
        // them, and the outbox may send the same content again. link_names and parse are left at their safe
        // defaults on purpose (protocol §8: they turn typed names into mentions).
        var body = JsonBody(w =>
        {
            w.WriteString("channel", channel);
            w.WriteString("text", text);
            if (blocks is not null)
            {
                w.WritePropertyName("blocks");
                blocks.WriteTo(w);
            }
            if (!string.IsNullOrEmpty(threadTs)) w.WriteString("thread_ts", threadTs);
            if (metadata is not null)
            {
                w.WritePropertyName("metadata");
                metadata.WriteTo(w);
            }
        });
        var answer = await CallAsync(method, BotToken, body, channel, SlackWireJson.Default.PostMessageResponse, ct, idempotent: false);
        return answer.Ts is { Length: > 0 } ts ? ts : throw new SlackApiException(method, InvalidResponseError, "ts missing");
    }

    public async Task<IReadOnlyList<(string Key, int Part)>> RecentOutboxKeysAsync(string channel, int limit, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        const string method = SlackMethods.ConversationsHistory;
        // A read method: form arguments, like users.info.
        var body = RequestBody.Form(FormattableString.Invariant(
            $"channel={Uri.EscapeDataString(channel)}&limit={Math.Clamp(limit, 1, 200)}&include_all_metadata=true"));
        var answer = await CallAsync(method, BotToken, body, channel: null, SlackWireJson.Default.ConversationsHistoryResponse, ct);
        return (answer.Messages ?? [])
            .Where(m => m.Metadata is { EventType: SlackChatPlatform.OutboxEventType, EventPayload.Key: { Length: > 0 } })
            .Select(m => (m.Metadata!.EventPayload!.Key!, m.Metadata.EventPayload.Part ?? 0))
            .ToList();
    }

    public async Task<SlackUser> GetUserAsync(string userId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        const string method = SlackMethods.UsersInfo;
        // users.info is a read method: Slack documents form and query arguments for it, not JSON bodies.
        var body = RequestBody.Form($"user={Uri.EscapeDataString(userId)}");
        var answer = await CallAsync(method, BotToken, body, channel: null, SlackWireJson.Default.UsersInfoResponse, ct);
        var user = answer.User ?? throw new SlackApiException(method, InvalidResponseError, "user missing");
        var name = FirstNonEmpty(user.Profile?.DisplayName, user.RealName, user.Profile?.RealName, user.Name) ?? user.Id ?? userId;
        return new SlackUser(user.Id ?? userId, name, string.IsNullOrWhiteSpace(user.Tz) ? null : user.Tz, user.IsAdmin, user.IsOwner, user.IsBot);
    }

    public async Task<string> OpenViewAsync(string triggerId, JsonObject view, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(triggerId);
        ArgumentNullException.ThrowIfNull(view);
        const string method = SlackMethods.ViewsOpen;
        var body = JsonBody(w =>
        {
            w.WriteString("trigger_id", triggerId);
            w.WritePropertyName("view");
            view.WriteTo(w);
        });
        var answer = await CallAsync(method, BotToken, body, channel: null, SlackWireJson.Default.ViewsOpenResponse, ct);
        return answer.View?.Id is { Length: > 0 } id ? id : throw new SlackApiException(method, InvalidResponseError, "view.id missing");
    }

    public async Task<Uri> OpenSocketConnectionAsync(CancellationToken ct)
    {
        const string method = SlackMethods.AppsConnectionsOpen;
        // The app-level token, in the header (protocol §5): a bot token is refused for this method.
        var answer = await CallAsync(method, _options.Value.AppToken, RequestBody.Json(EmptyJsonObject), channel: null, SlackWireJson.Default.ConnectionsOpenResponse, ct);
        if (Uri.TryCreate(answer.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeWss || url.Scheme == Uri.UriSchemeWs))
            return url;
        throw new SlackApiException(method, InvalidResponseError, "url missing or not a WebSocket URL");
    }

    public async Task RespondAsync(Uri responseUrl, JsonObject message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(responseUrl);
        ArgumentNullException.ThrowIfNull(message);
        if (!responseUrl.IsAbsoluteUri || (responseUrl.Scheme != Uri.UriSchemeHttps && responseUrl.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException("A response_url is an absolute http(s) URL.", nameof(responseUrl));
        const string method = SlackMethods.ResponseUrl;
        var body = JsonBody(w =>
        {
            foreach (var (name, value) in message)
            {
                w.WritePropertyName(name);
                if (value is null) w.WriteNullValue();
                else value.WriteTo(w);
            }
        });

        // A response_url is a webhook: the URL is the credential, so the bot token is never sent to it. Its
        // uses are capped by Slack (5 in 30 minutes), not by the method tiers, so no client-side permit.
        var result = await SendAsync(method, responseUrl, token: null, body, ct);
        if (result.Status == HttpStatusCode.TooManyRequests) throw RateLimited(method, result);
        var parsed = TryParse(result.Body, SlackWireJson.Default.SlackResponse);
        if (parsed is { Ok: false, Error: not null })
            throw Failed(method, parsed);
        if (IsSuccess(result.Status)) return;
        // Webhooks answer errors as a short plain-text code (e.g. "invalid_payload") rather than JSON.
        if ((int)result.Status is >= 400 and < 500 && PlainTextCode(result.Body) is { } code)
            throw new SlackApiException(method, code);
        throw new HttpRequestException($"Slack {method} answered HTTP {(int)result.Status}.", null, result.Status);
    }

    private string? BotToken => _options.Value.BotToken;

    /// <summary>One Web API call: permit, send with retries, check <c>ok</c>, log warnings.</summary>
    private async Task<T> CallAsync<T>(string method, string? token, RequestBody body, string? channel, JsonTypeInfo<T> type, CancellationToken ct,
        bool idempotent = true)
        where T : SlackResponse
    {
        // One permit per logical call, not per retry: the retries have their own delays, and Slack's 429s
        // are what tells us when its budget is spent.
        using var lease = await _limits.AcquireAsync(method, channel, ct);
        var result = await SendAsync(method, MethodUri(method), token, body, ct, idempotent);
        if (result.Status == HttpStatusCode.TooManyRequests) throw RateLimited(method, result);

        var parsed = TryParse(result.Body, type);
        if (!IsSuccess(result.Status))
        {
            if (parsed is { Ok: false, Error: not null }) throw Failed(method, parsed);
            throw new HttpRequestException($"Slack {method} answered HTTP {(int)result.Status}.", null, result.Status);
        }
        if (parsed is null) throw new SlackApiException(method, InvalidResponseError, "the answer is not a JSON object");
        if (!parsed.Ok) throw Failed(method, parsed);
        LogWarningsIfAny(method, parsed);
        return parsed;
    }

    private Uri MethodUri(string method)
    {
        var baseUrl = _options.Value.ApiBaseUrl;
        // Without the trailing slash a relative URI would replace the last segment ("api") instead of adding to it.
        if (!baseUrl.AbsoluteUri.EndsWith('/')) baseUrl = new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(baseUrl, method);
    }

    private async Task<SlackHttpResult> SendAsync(string method, Uri uri, string? token, RequestBody body, CancellationToken ct, bool idempotent = true)
    {
        var context = ResilienceContextPool.Shared.Get(method, ct);
        context.Properties.Set(NotIdempotent, !idempotent);
        try
        {
            return await _pipeline.ExecuteAsync(c => SendOnceAsync(method, uri, token, body, c.CancellationToken), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One HTTP attempt; the answer is read in full and the HTTP objects disposed before Polly sees it.</summary>
    private async ValueTask<SlackHttpResult> SendOnceAsync(string method, Uri uri, string? token, RequestBody body, CancellationToken ct)
    {
        // Real time on purpose: this guards against a hung socket, which a test's fake clock would never end.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(_policy.AttemptTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = body.ToContent() };
        if (!string.IsNullOrEmpty(token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            var http = _httpFactory.CreateClient(SlackApiSetup.HttpClientName);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(attempt.Token);
            return new SlackHttpResult(response.StatusCode, ReadRetryAfter(response), bytes);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // The same shape HttpClient uses for its own timeout, so callers that already treat
            // "cancelled, but not by me" as a timeout keep working.
            throw new TaskCanceledException($"Slack {method} gave no answer within {_policy.AttemptTimeout.TotalSeconds:0.###} s.", new TimeoutException(ex.Message));
        }
    }

    private ResiliencePipeline<SlackHttpResult> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<SlackHttpResult> { TimeProvider = _time };
        if (_policy.MaxRateLimitRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<SlackHttpResult>
            {
                Name = "slack-429",
                MaxRetryAttempts = _policy.MaxRateLimitRetries,
                // Only short waits are slept through here; a long one is handed back to the caller (the outbox
                // reschedules the message) rather than holding a worker for minutes.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is { Status: HttpStatusCode.TooManyRequests } r && RetryAfterOrDefault(r) <= _policy.MaxInClientRetryAfter),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryAfterOrDefault(args.Outcome.Result!)),
                OnRetry = args =>
                {
                    LogRateLimitedRetry(_logger, args.Context.OperationKey ?? "?", args.RetryDelay.TotalSeconds, args.AttemptNumber + 1);
                    return default;
                },
            });
        }
        if (_policy.MaxTransientRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<SlackHttpResult>
            {
                Name = "slack-transient",
                MaxRetryAttempts = _policy.MaxTransientRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _policy.TransientBaseDelay,
                MaxDelay = _policy.TransientMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    !args.Context.Properties.GetValue(NotIdempotent, false) && IsTransient(args.Outcome, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    var reason = args.Outcome.Exception is { } ex ? ex.GetType().Name : $"HTTP {(int)args.Outcome.Result!.Status}";
                    LogTransientRetry(_logger, args.Context.OperationKey ?? "?", reason, args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1);
                    return default;
                },
            });
        }
        return builder.Build();
    }

    private static bool IsTransient(Outcome<SlackHttpResult> outcome, CancellationToken callerToken) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        // Cancelled, but not by the caller: the attempt timed out.
        { Exception: OperationCanceledException } => !callerToken.IsCancellationRequested,
        { Exception: not null } => false,
        { Result.Status: HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout } => true,
        _ => false,
    };

    private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private TimeSpan RetryAfterOrDefault(SlackHttpResult result) => result.RetryAfter ?? _policy.DefaultRetryAfter;

    private SlackRateLimitedException RateLimited(string method, SlackHttpResult result)
    {
        var retryAfter = RetryAfterOrDefault(result);
        LogRateLimitedGaveUp(_logger, method, retryAfter.TotalSeconds);
        return new SlackRateLimitedException(method, retryAfter);
    }

    private SlackApiException Failed(string method, SlackResponse answer)
    {
        var error = string.IsNullOrEmpty(answer.Error) ? "unknown_error" : answer.Error;
        LogFailed(_logger, method, error);
        return new SlackApiException(method, error, Detail(answer));
    }

    private static string? Detail(SlackResponse answer)
    {
        var parts = new List<string>(3);
        if (answer.Needed is { Length: > 0 } needed) parts.Add($"needed: {needed}");
        if (answer.Provided is { Length: > 0 } provided) parts.Add($"provided: {provided}");
        if (answer.ResponseMetadata?.Messages is { Count: > 0 } messages) parts.Add(string.Join("; ", messages.Take(5)));
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private void LogWarningsIfAny(string method, SlackResponse answer)
    {
        if (!_logger.IsEnabled(LogLevel.Debug)) return;
        var warnings = new List<string>();
        if (!string.IsNullOrWhiteSpace(answer.Warning)) warnings.AddRange(answer.Warning.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        if (answer.ResponseMetadata?.Warnings is { } more) warnings.AddRange(more);
        if (warnings.Count > 0) LogWarnings(_logger, method, string.Join(", ", warnings.Distinct(StringComparer.Ordinal)));
    }

    private static T? TryParse<T>(byte[] body, JsonTypeInfo<T> type) where T : class
    {
        if (body.Length == 0) return null;
        try
        {
            return JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A short error code such as <c>invalid_payload</c>, or null when the body is not one.</summary>
    private static string? PlainTextCode(byte[] body)
    {
        if (body.Length is 0 or > 64) return null;
        var text = Encoding.UTF8.GetString(body).Trim();
        return text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? text : null;
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static RequestBody JsonBody(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }
        return RequestBody.Json(buffer.WrittenSpan.ToArray());
    }

    /// <summary>The answer of one attempt, fully read, so nothing disposable travels through the retry pipeline.</summary>
    private sealed record SlackHttpResult(HttpStatusCode Status, TimeSpan? RetryAfter, byte[] Body);

    /// <summary>A request body serialised once and sent as fresh content on every attempt.</summary>
    private sealed record RequestBody(byte[] Bytes, MediaTypeHeaderValue ContentType)
    {
        public static RequestBody Json(byte[] bytes) => new(bytes, JsonUtf8);

        public static RequestBody Form(string encoded) => new(Encoding.UTF8.GetBytes(encoded), FormUrlEncoded);

        public HttpContent ToContent()
        {
            var content = new ByteArrayContent(Bytes);
            // A copy per request: header values are mutable objects and requests may be in flight together.
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType.ToString());
            return content;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Slack {Method} answered ok with warnings: {Warnings}")]
    private static partial void LogWarnings(ILogger logger, string method, string warnings);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Slack {Method} answered ok:false: {Error}")]
    private static partial void LogFailed(ILogger logger, string method, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack {Method} rate-limited (HTTP 429); retry {Attempt} in {DelaySeconds:0.###} s")]
    private static partial void LogRateLimitedRetry(ILogger logger, string method, double delaySeconds, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} rate-limited (HTTP 429) for {RetryAfterSeconds:0.###} s; leaving the retry to the caller")]
    private static partial void LogRateLimitedGaveUp(ILogger logger, string method, double retryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} failed transiently ({Reason}); retry {Attempt} in {DelayMilliseconds:0} ms")]
    private static partial void LogTransientRetry(ILogger logger, string method, string reason, double delayMilliseconds, int attempt);
}
