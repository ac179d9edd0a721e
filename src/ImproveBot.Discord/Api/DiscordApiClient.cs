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

namespace ImproveBot.Discord.Api;

/// <summary>
/// <see cref="IDiscordApi"/> over HttpClient, as the team's Discord protocol reference (§3, §4) describes it: JSON bodies,
/// <c>Authorization: Bot &lt;token&gt;</c> (never on interaction webhooks), the documented <c>User-Agent</c>, errors
/// read from Discord's JSON error body.
/// </summary>
/// <remarks>
/// Each attempt first waits for its bucket (<see cref="DiscordRateLimits"/>, learned from the <c>X-RateLimit-*</c>
/// headers), then runs through a Polly pipeline: the outer retry sleeps through short 429s as <c>retry_after</c> asks;
/// the inner one retries 5xx answers, network errors and attempt timeouts with jittered exponential backoff. Both are
/// bounded and their delays run on the injected <see cref="TimeProvider"/>. Retrying a message send is safe because it
/// carries a nonce with <c>enforce_nonce</c>. A singleton: it asks <see cref="IHttpClientFactory"/> for a client per
/// call, so pooled handlers still rotate however long the bot runs.
/// </remarks>
internal sealed partial class DiscordApiClient : IDiscordApi
{
    /// <summary>The code used for an answer that is not what Discord documents (not JSON, or a field missing).</summary>
    public const int InvalidResponseCode = -1;

    /// <summary>Discord refuses a nonce longer than this (protocol §3).</summary>
    public const int MaxNonceLength = 25;

    private static readonly MediaTypeHeaderValue Json = MediaTypeHeaderValue.Parse("application/json");

    private readonly IHttpClientFactory _httpFactory;
    private readonly IOptions<DiscordOptions> _options;
    private readonly DiscordRateLimits _limits;
    private readonly DiscordApiPolicy _policy;
    private readonly ILogger<DiscordApiClient> _logger;
    private readonly ResiliencePipeline<DiscordHttpResult> _pipeline;

    public DiscordApiClient(
        IHttpClientFactory httpFactory,
        IOptions<DiscordOptions> options,
        DiscordRateLimits limits,
        DiscordApiPolicy policy,
        TimeProvider time,
        ILogger<DiscordApiClient> logger)
    {
        _httpFactory = httpFactory;
        _options = options;
        _limits = limits;
        _policy = policy;
        _logger = logger;
        _pipeline = BuildPipeline(time);
    }

    public async Task<string> CreateDirectMessageChannelAsync(string userId, CancellationToken ct)
    {
        var route = DiscordRoutes.CreateDm();
        var body = JsonBody(w => w.WriteString("recipient_id", DiscordRoutes.Snowflake(userId)));
        var channel = await CallAsync(route, body, DiscordWireJson.Default.DiscordIdDto, ct);
        return channel?.Id is { Length: > 0 } id ? id : throw InvalidResponse(route, "channel id missing");
    }

    public async Task<string> CreateMessageAsync(string channelId, JsonObject message, string? nonce, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (nonce is { Length: 0 or > MaxNonceLength })
            throw new ArgumentException($"A nonce is 1 to {MaxNonceLength} characters.", nameof(nonce));
        var route = DiscordRoutes.CreateMessage(channelId);
        // Written straight from the caller's nodes: adding them to a new JsonObject would re-parent (and so steal)
        // them, and the outbox may send the same content again.
        var body = JsonBody(w =>
        {
            WriteProperties(w, message, skip: ["nonce", "enforce_nonce"]);
            if (nonce is not null)
            {
                w.WriteString("nonce", nonce);
                w.WriteBoolean("enforce_nonce", true);
            }
        });
        var created = await CallAsync(route, body, DiscordWireJson.Default.DiscordIdDto, ct);
        return created?.Id is { Length: > 0 } id ? id : throw InvalidResponse(route, "message id missing");
    }

    public async Task<IReadOnlyList<DiscordRegisteredCommand>> BulkOverwriteCommandsAsync(string? guildId, JsonArray commands, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var route = DiscordRoutes.BulkOverwriteCommands(ApplicationId, guildId);
        var bytes = Encoding.UTF8.GetBytes(commands.ToJsonString());
        var stored = await CallAsync(route, bytes, DiscordWireJson.Default.ListDiscordCommandDto, ct)
            ?? throw InvalidResponse(route, "the answer is not a list of commands");
        return stored.Select(c => new DiscordRegisteredCommand(c.Id ?? "", c.Name ?? "")).ToList();
    }

    public async Task EditOriginalResponseAsync(string interactionToken, JsonObject message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var route = DiscordRoutes.EditOriginal(ApplicationId, interactionToken);
        // The type 5 that this completes already fixed the message as ephemeral; flags here would be refused.
        var body = JsonBody(w => WriteProperties(w, message, skip: ["flags"]));
        await CallAsync(route, body, DiscordWireJson.Default.DiscordIdDto, ct);
    }

    public async Task<DiscordGatewayBot> GetGatewayBotAsync(CancellationToken ct)
    {
        var route = DiscordRoutes.GatewayBot();
        var answer = await CallAsync(route, null, DiscordWireJson.Default.DiscordGatewayBotDto, ct);
        if (!Uri.TryCreate(answer?.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeWss && url.Scheme != Uri.UriSchemeWs))
            throw InvalidResponse(route, "url missing or not a WebSocket URL");
        var limit = answer!.SessionStartLimit;
        return new DiscordGatewayBot(url, Math.Max(1, answer.Shards), limit?.Remaining ?? 0,
            TimeSpan.FromMilliseconds(Math.Max(0, limit?.ResetAfter ?? 0)), Math.Max(1, limit?.MaxConcurrency ?? 1));
    }

    public async Task<DiscordGuild> GetGuildAsync(string guildId, CancellationToken ct)
    {
        var route = DiscordRoutes.Guild(guildId);
        var guild = await CallAsync(route, null, DiscordWireJson.Default.DiscordGuildDto, ct);
        return guild is { Id.Length: > 0, Name.Length: > 0 } ? new DiscordGuild(guild.Id, guild.Name) : throw InvalidResponse(route, "id or name missing");
    }

    private string ApplicationId => _options.Value.ApplicationId
        ?? throw new InvalidOperationException("Discord:ApplicationId is not set.");

    /// <summary>One REST call: bucket, send with retries, read the answer or Discord's error.</summary>
    private async Task<T?> CallAsync<T>(DiscordRoute route, byte[]? body, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        var result = await SendAsync(route, body, ct);
        if (result.Status == HttpStatusCode.TooManyRequests) throw RateLimited(route, result);
        if (!IsSuccess(result.Status)) throw Failed(route, result);
        if (result.Status == HttpStatusCode.NoContent || result.Body.Length == 0) return null;
        try
        {
            return JsonSerializer.Deserialize(result.Body, type);
        }
        catch (JsonException)
        {
            throw InvalidResponse(route, "the answer is not JSON of the documented shape");
        }
    }

    private async Task<DiscordHttpResult> SendAsync(DiscordRoute route, byte[]? body, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(route.Name, ct);
        try
        {
            return await _pipeline.ExecuteAsync(c => SendOnceAsync(route, body, c.CancellationToken), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One HTTP attempt, after its bucket allows it; the answer is read in full before Polly sees it.</summary>
    private async ValueTask<DiscordHttpResult> SendOnceAsync(DiscordRoute route, byte[]? body, CancellationToken ct)
    {
        await _limits.AcquireAsync(route, ct);

        // Real time on purpose: this guards against a hung socket, which a test's fake clock would never end.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(_policy.AttemptTimeout);
        using var request = new HttpRequestMessage(route.Method, RouteUri(route));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(Json.ToString());
        }
        if (route.UsesBotToken) request.Headers.Authorization = new AuthenticationHeaderValue("Bot", _options.Value.BotToken);
        try
        {
            var http = _httpFactory.CreateClient(DiscordApiSetup.HttpClientName);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(attempt.Token);
            _limits.Observe(route, response.Headers);
            if (response.StatusCode != HttpStatusCode.TooManyRequests) return new DiscordHttpResult(response.StatusCode, bytes, null, false, null);

            var (retryAfter, global) = ReadRateLimit(response, bytes);
            var scope = response.Headers.TryGetValues("X-RateLimit-Scope", out var scopes) ? scopes.FirstOrDefault() : null;
            _limits.ObserveRateLimited(route, retryAfter, global);
            return new DiscordHttpResult(response.StatusCode, bytes, retryAfter, global, scope);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // The same shape HttpClient uses for its own timeout, so "cancelled, but not by me" reads as a timeout.
            throw new TaskCanceledException($"Discord {route.Name} gave no answer within {_policy.AttemptTimeout.TotalSeconds:0.###} s.", new TimeoutException(ex.Message));
        }
    }

    private Uri RouteUri(DiscordRoute route)
    {
        var baseUrl = _options.Value.ApiBaseUrl;
        // Without the trailing slash a relative URI would replace the last segment ("v10") instead of adding to it.
        if (!baseUrl.AbsoluteUri.EndsWith('/')) baseUrl = new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(baseUrl, route.Path);
    }

    private ResiliencePipeline<DiscordHttpResult> BuildPipeline(TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<DiscordHttpResult> { TimeProvider = time };
        if (_policy.MaxRateLimitRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<DiscordHttpResult>
            {
                Name = "discord-429",
                MaxRetryAttempts = _policy.MaxRateLimitRetries,
                // Only short waits are slept through here; a long one goes back to the caller (the outbox
                // reschedules the message) rather than holding a worker for minutes.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is { Status: HttpStatusCode.TooManyRequests } r && RetryAfterOf(r) <= _policy.MaxInClientRetryAfter),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryAfterOf(args.Outcome.Result!)),
                OnRetry = args =>
                {
                    LogRateLimitedRetry(_logger, args.Context.OperationKey ?? "?", args.RetryDelay.TotalSeconds, args.Outcome.Result?.Global == true, args.AttemptNumber + 1);
                    return default;
                },
            });
        }
        if (_policy.MaxTransientRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<DiscordHttpResult>
            {
                Name = "discord-transient",
                MaxRetryAttempts = _policy.MaxTransientRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _policy.TransientBaseDelay,
                MaxDelay = _policy.TransientMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
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

    private static bool IsTransient(Outcome<DiscordHttpResult> outcome, CancellationToken callerToken) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        // Cancelled, but not by the caller: the attempt timed out.
        { Exception: OperationCanceledException } => !callerToken.IsCancellationRequested,
        { Exception: not null } => false,
        { Result.Status: HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout } => true,
        _ => false,
    };

    /// <summary><c>retry_after</c> from the body (fractional seconds), else <c>Retry-After</c>, else the policy's default.</summary>
    private (TimeSpan RetryAfter, bool Global) ReadRateLimit(HttpResponseMessage response, byte[] body)
    {
        DiscordRateLimitDto? parsed = null;
        try
        {
            if (body.Length > 0) parsed = JsonSerializer.Deserialize(body, DiscordWireJson.Default.DiscordRateLimitDto);
        }
        catch (JsonException)
        {
            // A proxy's HTML 429: the headers still say what to do.
        }
        var global = parsed?.Global == true
            || (response.Headers.TryGetValues("X-RateLimit-Global", out var g) && g.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase)));
        var retryAfter = parsed?.RetryAfter is { } seconds ? DiscordRateLimits.FromSeconds(seconds) : null;
        retryAfter ??= response.Headers.RetryAfter?.Delta;
        return (retryAfter is { } r && r >= TimeSpan.Zero ? r : _policy.DefaultRetryAfter, global);
    }

    private TimeSpan RetryAfterOf(DiscordHttpResult result) => result.RetryAfter ?? _policy.DefaultRetryAfter;

    private DiscordRateLimitedException RateLimited(DiscordRoute route, DiscordHttpResult result)
    {
        var retryAfter = RetryAfterOf(result);
        LogRateLimitedGaveUp(_logger, route.Name, retryAfter.TotalSeconds, result.Global);
        return new DiscordRateLimitedException(route.Name, retryAfter, result.Global, result.Scope ?? (result.Global ? "global" : null));
    }

    private Exception Failed(DiscordRoute route, DiscordHttpResult result)
    {
        DiscordErrorDto? error = null;
        try
        {
            if (result.Body.Length > 0) error = JsonSerializer.Deserialize(result.Body, DiscordWireJson.Default.DiscordErrorDto);
        }
        catch (JsonException)
        {
            // Not Discord's JSON (a proxy page): the status alone has to do.
        }
        var status = (int)result.Status;
        if (error is null && status >= 500)
            return new HttpRequestException($"Discord {route.Name} answered HTTP {status}.", null, result.Status);
        var failure = new DiscordApiException(route.Name, status, error?.Code ?? 0, error?.Message ?? $"HTTP {status}", FlattenErrors(error?.Errors));
        LogFailed(_logger, route.Name, status, failure.Code, failure.DiscordMessage);
        return failure;
    }

    private static DiscordApiException InvalidResponse(DiscordRoute route, string detail) =>
        new(route.Name, 200, InvalidResponseCode, detail);

    /// <summary>
    /// The nested <c>errors</c> of an Invalid Form Body (protocol §3, <c>error_50035_object.json</c>) as
    /// <c>path: CODE message</c> lines, at most 10, so the exception (and the outbox's error column) says what was wrong.
    /// </summary>
    internal static IReadOnlyList<string> FlattenErrors(JsonElement? errors)
    {
        var lines = new List<string>();
        if (errors is not { ValueKind: JsonValueKind.Object } root) return lines;
        void Walk(JsonElement element, string path, int depth)
        {
            if (lines.Count >= 10 || depth > 16 || element.ValueKind != JsonValueKind.Object) return;
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "_errors" && property.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        if (lines.Count >= 10) return;
                        var code = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("code", out var c) ? c.ToString() : "?";
                        var message = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("message", out var m) ? m.ToString() : "";
                        lines.Add($"{(path.Length == 0 ? "(body)" : path)}: {code} {message}".TrimEnd());
                    }
                }
                else
                {
                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", depth + 1);
                }
            }
        }
        Walk(root, "", 0);
        return lines;
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private static void WriteProperties(Utf8JsonWriter writer, JsonObject source, string[] skip)
    {
        foreach (var (name, value) in source)
        {
            if (skip.Contains(name, StringComparer.Ordinal)) continue;
            writer.WritePropertyName(name);
            if (value is null) writer.WriteNullValue();
            else value.WriteTo(writer);
        }
    }

    private static byte[] JsonBody(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The answer of one attempt, fully read, so nothing disposable travels through the retry pipeline.</summary>
    private sealed record DiscordHttpResult(HttpStatusCode Status, byte[] Body, TimeSpan? RetryAfter, bool Global, string? Scope);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Discord {Route} answered HTTP {Status} with code {Code}: {DiscordMessage}")]
    private static partial void LogFailed(ILogger logger, string route, int status, int code, string discordMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord {Route} rate-limited (HTTP 429, global: {Global}); retry {Attempt} in {DelaySeconds:0.###} s")]
    private static partial void LogRateLimitedRetry(ILogger logger, string route, double delaySeconds, bool global, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord {Route} rate-limited (HTTP 429, global: {Global}) for {RetryAfterSeconds:0.###} s; leaving the retry to the caller")]
    private static partial void LogRateLimitedGaveUp(ILogger logger, string route, double retryAfterSeconds, bool global);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord {Route} failed transiently ({Reason}); retry {Attempt} in {DelayMilliseconds:0} ms")]
    private static partial void LogTransientRetry(ILogger logger, string route, string reason, double delayMilliseconds, int attempt);
}
