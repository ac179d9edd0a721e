using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ImproveBot.Testing.Faults;

namespace ImproveBot.Testing.FakeDiscord;

// The REST side: protocol reference §1 (follow-up webhook), §2 (commands), §3 (DMs, messages, errors), §4 (rate limits)
// and §5 (GET /gateway/bot).
public sealed partial class FakeDiscordServer
{
    /// <summary>Answers of one request: status, body, and a JSON error code for the records.</summary>
    private sealed record Answer(int Status, JsonNode? Body, int? ErrorCode = null);

    private async Task HandleRestAsync(HttpContext http)
    {
        var path = http.GetRouteValue("path") as string ?? "";
        var at = Time.GetUtcNow();
        var match = FakeDiscordRoutes.Find(http.Request.Method, path);
        if (match is null)
        {
            // Also for real routes the fake does not serve: a test then fails loudly instead of passing on a guess.
            await RespondAsync(http, $"{http.Request.Method} /?", at, Error(404, 0, "404: Not Found"));
            return;
        }
        var route = match.Route;
        CountArrival(route);

        if (match.UsesBotToken && !IsBotAuthorized(http.Request))
        {
            await RespondAsync(http, route, at, Error(401, 0, "401: Unauthorized"));
            return;
        }
        if (!UserAgentPattern().IsMatch(http.Request.Headers.UserAgent.ToString()))
        {
            await RespondAsync(http, route, at, Error(400, 0, "The User-Agent must be DiscordBot ($url, $versionNumber) (fake Discord)"));
            return;
        }

        if (TakeFault(route, match.UsesBotToken) is { } fault)
        {
            switch (fault.Kind)
            {
                case FaultKind.RateLimit:
                    await RateLimitedAsync(http, route, at, fault.Duration, fault.Scope ?? "user");
                    return;
                case FaultKind.Fail:
                    Record(route, at, fault.Status, null, http.Request);
                    http.Response.StatusCode = fault.Status;
                    http.Response.ContentType = "text/plain; charset=utf-8";
                    await http.Response.WriteAsync($"fake discord: injected HTTP {fault.Status}", http.RequestAborted);
                    return;
                default:
                    using (var stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token))
                    {
                        try
                        {
                            await Task.Delay(fault.Duration, stopOrAbort.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            Record(route, at, 499, null, http.Request);
                            return; // the client gave up (its timeout); nobody reads an answer now
                        }
                    }
                    break;
            }
        }

        JsonNode? body = null;
        Answer? problem = null;
        if (http.Request.Method is not "GET") (body, problem) = await ReadJsonAsync(http.Request);
        if (route == FakeDiscordRoutes.CreateMessage && body is JsonObject sent && Str(sent["nonce"]) is { Length: > 0 } sentNonce)
        {
            lock (_gate) _attemptsByNonce[sentNonce] = _attemptsByNonce.GetValueOrDefault(sentNonce) + 1;
        }
        var injected = Faults?.Next(route);
        if (injected is { Apply: false })
        {
            // A fault before the work: nothing is carried out (a 429 never is).
            await WriteInjectedAsync(http, route, at, injected, null);
            return;
        }

        if (!TakeFromBucket(match, at, out var bucket))
        {
            WriteBucketHeaders(http.Response, route, bucket);
            await RateLimitedAsync(http, route, at, bucket.ResetAfter, "user");
            return;
        }
        WriteBucketHeaders(http.Response, route, bucket);

        var answer = problem ?? Dispatch(match, body, http.Request, at);
        if (injected is { Apply: true })
        {
            // A fault after the work: the message is created (say), but its answer is lost, late or cut short.
            await WriteInjectedAsync(http, route, at, injected, answer);
            return;
        }
        await RespondAsync(http, route, at, answer);
    }

    /// <summary>An injected fault: Discord's own 429 (body, <c>Retry-After</c>, scope), or one every platform's network can produce.</summary>
    private async Task WriteInjectedAsync(HttpContext http, string route, DateTimeOffset at, FaultDecision fault, Answer? answer)
    {
        if (fault.Kind == FaultKinds.RateLimit)
        {
            await RateLimitedAsync(http, route, at, Faults!.Options.RetryAfter, "user");
            return;
        }
        var bytes = answer?.Body is { } json ? Encoding.UTF8.GetBytes(json.ToJsonString()) : null;
        int status;
        try
        {
            status = await Faults!.WriteAsync(http, fault, answer?.Status ?? 200, bytes, "application/json", _stopping.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            status = 499; // the client went away while the fault was being written
        }
        Record(route, at, status, answer?.ErrorCode, http.Request);
    }

    private Answer Dispatch(FakeDiscordRoutes.Match match, JsonNode? body, HttpRequest request, DateTimeOffset at) => match.Route switch
    {
        FakeDiscordRoutes.CreateDm => CreateDm(body),
        FakeDiscordRoutes.CreateMessage => CreateMessage(match.Values[0], body, at),
        FakeDiscordRoutes.PutGlobalCommands => PutCommands(match.Values[0], null, body, at),
        FakeDiscordRoutes.PutGuildCommands => PutCommands(match.Values[0], match.Values[1], body, at),
        FakeDiscordRoutes.GetGlobalCommands => GetCommands(match.Values[0], null),
        FakeDiscordRoutes.GetGuildCommands => GetCommands(match.Values[0], match.Values[1]),
        FakeDiscordRoutes.EditOriginal => EditOriginal(match.Values[0], match.Values[1], body, request, at),
        FakeDiscordRoutes.GatewayBot => GatewayBot(),
        FakeDiscordRoutes.Guild => Guild(match.Values[0]),
        _ => Error(404, 0, "404: Not Found"),
    };

    private Answer CreateDm(JsonNode? body)
    {
        if (body is not JsonObject args || Str(args["recipient_id"]) is not { } userId)
            return FormError([new("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")]);
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var user)) return Error(400, 50033, "Invalid Recipient(s)");
            if (!_dmByUser.TryGetValue(userId, out var channel))
            {
                channel = $"14{++_counter:D17}";
                _dmByUser[userId] = channel;
                _channels.Add(channel);
            }
            return new Answer(200, new JsonObject
            {
                ["id"] = channel,
                ["type"] = 1,
                ["last_message_id"] = null,
                ["recipients"] = new JsonArray(new JsonObject { ["id"] = user.Id, ["username"] = user.Username }),
            });
        }
    }

    private Answer CreateMessage(string channelId, JsonNode? body, DateTimeOffset at)
    {
        if (body is not JsonObject message) return FormError([new("", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")]);
        lock (_gate)
        {
            if (!_channels.Contains(channelId)) return Error(404, 10003, "Unknown Channel");
            var recipient = _dmByUser.FirstOrDefault(kv => kv.Value == channelId).Key;
            if (recipient is not null && _users.TryGetValue(recipient, out var user) && user.RefusesDirectMessages)
                return Error(403, 50007, "Cannot send messages to this user");
        }
        var errors = DiscordPayloadRules.Message(message, _options.RequireSuppressedMentions);
        if (errors.Count > 0) return FormError(errors);
        if (!DiscordPayloadRules.HasSomething(message)) return Error(400, 50006, "Cannot send an empty message");

        var nonce = message["nonce"]?.ToString();
        var enforce = message["enforce_nonce"]?.GetValueKind() == JsonValueKind.True;
        lock (_gate)
        {
            // enforce_nonce: the same nonce from the same author within a few minutes returns the first message (§3).
            if (enforce && nonce is not null && _nonces.TryGetValue(nonce, out var seen) && at - seen.At < _options.NonceWindow)
            {
                _nonceHits++;
                return new Answer(200, MessageObject(seen.Message));
            }
            var created = new FakeDiscordMessage($"15{++_counter:D17}", channelId, message.DeepClone().AsObject(), nonce, at);
            _messages.Add(created);
            if (nonce is not null) _nonces[nonce] = (created, at);
            return new Answer(200, MessageObject(created));
        }
    }

    private JsonObject MessageObject(FakeDiscordMessage message)
    {
        var json = message.Body.DeepClone().AsObject();
        json.Remove("allowed_mentions");
        json.Remove("enforce_nonce");
        json["id"] = message.Id;
        json["channel_id"] = message.ChannelId;
        json["type"] = 0;
        json["timestamp"] = message.At.ToString("O", CultureInfo.InvariantCulture);
        json["author"] = new JsonObject { ["id"] = _options.BotUserId, ["username"] = "improvebot", ["bot"] = true };
        return json;
    }

    private Answer PutCommands(string applicationId, string? guildId, JsonNode? body, DateTimeOffset at)
    {
        if (applicationId != _options.ApplicationId) return Error(403, 50001, "Missing Access");
        if (guildId is not null)
        {
            lock (_gate)
            {
                if (!_guilds.ContainsKey(guildId)) return Error(403, 50001, "Missing Access");
            }
        }
        if (body is not JsonArray commands) return FormError([new("", "BASE_TYPE_ARRAY", "Must be an array.")]);
        var errors = new List<FormError>();
        if (commands.Count > 100) errors.Add(new("", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."));
        for (var i = 0; i < commands.Count; i++)
        {
            if (commands[i] is JsonObject command) errors.AddRange(DiscordPayloadRules.Command(command, i.ToString(CultureInfo.InvariantCulture)));
            else errors.Add(new(i.ToString(CultureInfo.InvariantCulture), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"));
        }
        var names = commands.OfType<JsonObject>().Select(c => Str(c["name"])).ToList();
        if (names.Count != names.Distinct().Count()) errors.Add(new("", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"));
        if (errors.Count > 0) return FormError(errors);

        var stored = new JsonArray();
        lock (_gate)
        {
            foreach (var command in commands.OfType<JsonObject>())
            {
                var copy = command.DeepClone().AsObject();
                copy["id"] = $"16{++_counter:D17}";
                copy["application_id"] = _options.ApplicationId;
                copy["version"] = $"17{_counter:D17}";
                if (guildId is not null) copy["guild_id"] = guildId;
                stored.Add(copy);
            }
            // A bulk overwrite replaces every command of the scope.
            _commands[guildId ?? ""] = stored.DeepClone().AsArray();
            _registrations.Add(new FakeCommandRegistration(guildId, commands.DeepClone().AsArray(), at));
        }
        return new Answer(200, stored);
    }

    private Answer GetCommands(string applicationId, string? guildId) =>
        applicationId != _options.ApplicationId ? Error(403, 50001, "Missing Access") : new Answer(200, CommandsOf(guildId));

    private Answer EditOriginal(string applicationId, string token, JsonNode? body, HttpRequest request, DateTimeOffset at)
    {
        InteractionState? state;
        lock (_gate) state = _interactions.GetValueOrDefault(token);
        if (applicationId != _options.ApplicationId || state is null) return Error(404, 10015, "Unknown Webhook");
        if (at - state.CreatedAt > InteractionTokenLifetime) return Error(401, 50027, "Invalid Webhook Token");
        // @original exists once the interaction was answered with a message (4) or a deferral (5).
        if (state.ResponseType is not (4 or 5)) return Error(404, 10008, "Unknown Message");
        if (body is not JsonObject message) return FormError([new("", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")]);
        var errors = DiscordPayloadRules.Message(message, _options.RequireSuppressedMentions, edit: true);
        if (errors.Count > 0) return FormError(errors);

        lock (_gate) _webhookEdits.Add(new FakeWebhookEdit(token, message.DeepClone().AsObject(), request.Headers.Authorization.Count > 0, at));
        var answer = message.DeepClone().AsObject();
        answer.Remove("allowed_mentions");
        answer["id"] = $"15{Interlocked.Increment(ref _counter):D17}";
        answer["type"] = 20;
        answer["flags"] = 64;
        return new Answer(200, answer);
    }

    private Answer GatewayBot() => new(200, new JsonObject
    {
        ["url"] = GatewayUrl.AbsoluteUri,
        ["shards"] = 1,
        ["session_start_limit"] = new JsonObject { ["total"] = 1000, ["remaining"] = 999, ["reset_after"] = 14_400_000, ["max_concurrency"] = 1 },
    });

    private Answer Guild(string guildId)
    {
        lock (_gate)
        {
            return _guilds.TryGetValue(guildId, out var name)
                ? new Answer(200, new JsonObject { ["id"] = guildId, ["name"] = name })
                : Error(404, 10004, "Unknown Guild");
        }
    }

    /// <summary>A bucket per route and major parameter on the fake's clock; false when it is spent (a 429 follows).</summary>
    private bool TakeFromBucket(FakeDiscordRoutes.Match match, DateTimeOffset at, out BucketView view)
    {
        lock (_gate)
        {
            var (limit, window) = _bucketLimits.TryGetValue(match.Route, out var custom) ? custom : (_options.BucketLimit, _options.BucketWindow);
            var key = $"{match.Route}|{match.Major}";
            var (count, start) = _buckets.TryGetValue(key, out var state) && at - state.WindowStart < window ? state : (0, at);
            var resetAfter = start + window - at;
            if (count >= limit)
            {
                view = new BucketView(limit, 0, resetAfter, at + resetAfter);
                return false;
            }
            _buckets[key] = (count + 1, start);
            view = new BucketView(limit, limit - count - 1, resetAfter, at + resetAfter);
            return true;
        }
    }

    private static void WriteBucketHeaders(HttpResponse response, string route, BucketView bucket)
    {
        response.Headers["X-RateLimit-Limit"] = bucket.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = bucket.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = (bucket.ResetAt.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset-After"] = bucket.ResetAfter.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Bucket"] = BucketHash(route);
    }

    /// <summary>A 429 as Discord sends it: <c>Retry-After</c>, the scope, <c>X-RateLimit-Global</c> when global, and the documented body.</summary>
    private async Task RateLimitedAsync(HttpContext http, string route, DateTimeOffset at, TimeSpan retryAfter, string scope)
    {
        var global = scope == "global";
        http.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Scope"] = scope;
        if (global) http.Response.Headers["X-RateLimit-Global"] = "true";
        var body = new JsonObject
        {
            ["message"] = scope == "shared" ? "The resource is being rate limited." : "You are being rate limited.",
            ["retry_after"] = Math.Round(retryAfter.TotalSeconds, 3),
            ["global"] = global,
        };
        await RespondAsync(http, route, at, new Answer(429, body));
    }

    private async Task RespondAsync(HttpContext http, string route, DateTimeOffset at, Answer answer)
    {
        Record(route, at, answer.Status, answer.ErrorCode, http.Request);
        http.Response.StatusCode = answer.Status;
        if (answer.Body is null) return;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.Body.ToJsonString(), Encoding.UTF8, http.RequestAborted);
    }

    private bool IsBotAuthorized(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var auth)
        && auth.Scheme == "Bot" && auth.Parameter == _options.BotToken;

    /// <summary>The body as JSON; Discord wants a valid Content-Type (50035) and valid JSON (50109).</summary>
    private static async Task<(JsonNode? Body, Answer? Problem)> ReadJsonAsync(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || mediaType.MediaType != "application/json")
            return (null, FormError([new("content_type", "CONTENT_TYPE_INVALID", "Expected \"Content-Type\" header to be one of {'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'}.")]));
        string text;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        }
        try
        {
            return (JsonNode.Parse(text), null);
        }
        catch (JsonException)
        {
            return (null, Error(400, 50109, "The request body contains invalid JSON."));
        }
    }

    private void CountArrival(string route)
    {
        lock (_gate) _arrivals[route] = _arrivals.GetValueOrDefault(route) + 1;
    }

    private void Record(string route, DateTimeOffset at, int status, int? code, HttpRequest request)
    {
        var call = new FakeDiscordCall(route, at, status, code, request.Headers.Authorization.Count > 0, request.Headers.UserAgent.ToString());
        lock (_gate) _calls.Add(call);
    }

    private static Answer Error(int status, int code, string message) =>
        new(status, new JsonObject { ["message"] = message, ["code"] = code }, code);

    private static Answer FormError(IEnumerable<FormError> errors) => new(400, DiscordPayloadRules.InvalidFormBody(errors), 50035);

    private static string BucketHash(string route) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(route)))[..32];

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private readonly record struct BucketView(int Limit, int Remaining, TimeSpan ResetAfter, DateTimeOffset ResetAt);

    [GeneratedRegex(@"^DiscordBot \(\S+, [^)]+\)")]
    private static partial Regex UserAgentPattern();
}
