using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ImproveBot.Testing.Faults;

namespace ImproveBot.Testing.FakeSlack;

// The Web API and response_url side: protocol reference §2 (response_url), §4 (views.open, trigger ids),
// §5 (apps.connections.open), §6 (envelope, errors, rate limits) and §7 (Block Kit limits).
public sealed partial class FakeSlackServer
{
    private const int MaxMessageText = 40_000;
    private const int MaxViewBytes = 250 * 1024;

    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal)
    {
        "auth.test", "conversations.open", "conversations.history", "chat.postMessage", "users.info", "views.open", "apps.connections.open",
    };

    private async Task HandleApiAsync(HttpContext http)
    {
        var method = http.GetRouteValue("method") as string ?? "";
        var at = _options.Time.GetUtcNow();
        CountArrival(method);
        if (await ApplyFaultAsync(method, at, http)) return;

        JsonObject answer;
        FaultDecision? injected = null;
        if (!KnownMethods.Contains(method))
        {
            // Also for real methods the fake does not implement: a test then fails loudly instead of passing on a guess.
            answer = Failure("unknown_method");
            answer["req_method"] = method;
        }
        else if (CheckToken(method, http.Request) is { } authError)
        {
            answer = Failure(authError);
        }
        else
        {
            var (args, argsError) = await ReadArgumentsAsync(http.Request, http.RequestAborted);
            if (argsError is null && method == "chat.postMessage") CountPostAttempt(args!);
            injected = Faults?.Next(method);
            if (injected is { Apply: false })
            {
                // A fault before the work: nothing is carried out (a 429 never is, as Slack documents).
                await WriteInjectedAsync(http, method, at, injected, null);
                return;
            }
            if (argsError is null && OverBudget(method, args!, at) is { } retryAfter)
            {
                Record(method, at, 429, "ratelimited", http.Request);
                http.Response.Headers.RetryAfter = ((long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
                await WriteJsonAsync(http, 429, Failure("ratelimited"));
                return;
            }
            answer = argsError is not null ? Failure(argsError) : Dispatch(method, args!);
            if (answer["ok"]?.GetValue<bool>() == true && IsJsonWithoutCharset(http.Request.ContentType))
            {
                answer["warning"] = "missing_charset";
                answer["response_metadata"] = new JsonObject { ["warnings"] = new JsonArray("missing_charset") };
            }
        }

        if (injected is { Apply: true })
        {
            // A fault after the work: the message is posted (say), but its answer is lost, late or cut short.
            await WriteInjectedAsync(http, method, at, injected, answer);
            return;
        }
        Record(method, at, StatusCodes.Status200OK, ErrorOf(answer), http.Request);
        // Slack answers failures with HTTP 200 too (§6): only "ok" tells.
        await WriteJsonAsync(http, StatusCodes.Status200OK, answer);
    }

    /// <summary>Counts a chat.postMessage attempt under its outbox key and part (message metadata), when it carries one.</summary>
    private void CountPostAttempt(JsonObject args)
    {
        if (args["metadata"] is not { } node || AsJson(node) is not JsonObject metadata) return;
        if (metadata["event_payload"] is not JsonObject payload || BlockKitRules.Str(payload, "key") is not { Length: > 0 } key) return;
        var part = payload["part"]?.ToJsonString() ?? "0";
        lock (_gate) _postAttempts[$"{key}#{part}"] = _postAttempts.GetValueOrDefault($"{key}#{part}") + 1;
    }

    /// <summary>An injected fault: Slack's own 429 shape, or one of the shapes every platform's network can produce.</summary>
    private async Task WriteInjectedAsync(HttpContext http, string method, DateTimeOffset at, FaultDecision fault, JsonObject? answer)
    {
        if (fault.Kind == FaultKinds.RateLimit)
        {
            Record(method, at, 429, "ratelimited", http.Request);
            http.Response.Headers.RetryAfter = ((long)Math.Max(1, Math.Ceiling(Faults!.Options.RetryAfter.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
            await WriteJsonAsync(http, 429, Failure("ratelimited"));
            return;
        }
        var bytes = answer is null ? null : Encoding.UTF8.GetBytes(answer.ToJsonString());
        int status;
        try
        {
            status = await Faults!.WriteAsync(http, fault, StatusCodes.Status200OK, bytes, "application/json; charset=utf-8", _stopping.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            status = 499; // the client went away while the fault was being written
        }
        Record(method, at, status, $"injected_{FaultInjector.Name(fault.Kind)}{(fault.Apply ? "_applied" : "")}", http.Request);
    }

    private static readonly Dictionary<string, (int Permits, TimeSpan Window)> Budgets = new(StringComparer.Ordinal)
    {
        ["apps.connections.open"] = (1, TimeSpan.FromMinutes(1)),
        ["conversations.open"] = (50, TimeSpan.FromMinutes(1)),
        ["conversations.history"] = (50, TimeSpan.FromMinutes(1)),
        ["users.info"] = (100, TimeSpan.FromMinutes(1)),
        ["views.open"] = (100, TimeSpan.FromMinutes(1)),
    };

    private static readonly (int Permits, TimeSpan Window) PostMessagePerChannel = (3, TimeSpan.FromSeconds(3));

    private readonly Dictionary<string, Queue<DateTimeOffset>> _budgetUse = new(StringComparer.Ordinal);

    /// <summary>With <see cref="FakeSlackOptions.EnforceRateLimits"/>: null when the call fits its budget (and counts it), else how long until it would.</summary>
    private TimeSpan? OverBudget(string method, JsonObject args, DateTimeOffset at)
    {
        if (_options.EnforceRateLimits is not { } scale) return null;
        (int Permits, TimeSpan Window) budget;
        string bucket;
        if (method == "chat.postMessage") (budget, bucket) = (PostMessagePerChannel, $"{method}|{Str(args, "channel")}");
        else if (Budgets.TryGetValue(method, out budget)) bucket = method;
        else return null;
        var window = budget.Window / scale;
        lock (_gate)
        {
            if (!_budgetUse.TryGetValue(bucket, out var used)) _budgetUse[bucket] = used = new Queue<DateTimeOffset>();
            while (used.Count > 0 && used.Peek() <= at - window) used.Dequeue();
            if (used.Count >= budget.Permits) return used.Peek() + window - at;
            used.Enqueue(at);
            return null;
        }
    }

    /// <returns>True when a fault answered the request.</returns>
    private async Task<bool> ApplyFaultAsync(string method, DateTimeOffset at, HttpContext http)
    {
        if (TakeFault(method) is not { } fault) return false;
        switch (fault.Kind)
        {
            case FaultKind.RateLimit:
                Record(method, at, 429, "ratelimited", http.Request);
                http.Response.Headers.RetryAfter = ((long)Math.Ceiling(fault.Duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await WriteJsonAsync(http, 429, Failure("ratelimited"));
                return true;
            case FaultKind.Canned:
                Record(method, at, 200, ErrorOf(fault.Answer!), http.Request);
                await WriteJsonAsync(http, StatusCodes.Status200OK, fault.Answer!.DeepClone().AsObject());
                return true;
            case FaultKind.Fail:
                Record(method, at, fault.Status, null, http.Request);
                http.Response.StatusCode = fault.Status;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync($"fake slack: injected HTTP {fault.Status}", http.RequestAborted);
                return true;
            default:
                using (var stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token))
                {
                    try
                    {
                        await Task.Delay(fault.Duration, stopOrAbort.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        Record(method, at, 499, "client_closed_request", http.Request);
                        return true; // the client gave up (its timeout); nobody reads an answer now
                    }
                }
                return false;
        }
    }

    /// <summary>Slack's answers to a missing, wrong or wrong-kind token (always HTTP 200).</summary>
    private string? CheckToken(string method, HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header)) return "not_authed";
        if (!AuthenticationHeaderValue.TryParse(header, out var auth) || !"Bearer".Equals(auth.Scheme, StringComparison.OrdinalIgnoreCase) || auth.Parameter is null)
            return "invalid_auth";
        var isBot = auth.Parameter == _options.BotToken;
        var isApp = auth.Parameter == _options.AppToken;
        if (!isBot && !isApp) return "invalid_auth";
        // apps.connections.open wants the app-level token; everything else here wants the bot token.
        var wantsApp = method == "apps.connections.open";
        return wantsApp == isApp ? null : "not_allowed_token_type";
    }

    /// <summary>Arguments from the query string and a JSON or form body, as Slack accepts them (§6).</summary>
    private static async Task<(JsonObject? Args, string? Error)> ReadArgumentsAsync(HttpRequest request, CancellationToken ct)
    {
        var args = new JsonObject();
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(ct);
        }

        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType : null;
        if (mediaType == "application/json" && !string.IsNullOrWhiteSpace(body))
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                return (null, "invalid_json");
            }
            if (node is not JsonObject obj) return (null, "json_not_object");
            args = obj;
        }
        else if (mediaType == "application/x-www-form-urlencoded" && body.Length > 0)
        {
            foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
                var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                args[key] = value;
            }
        }

        foreach (var (key, value) in request.Query)
        {
            if (!args.ContainsKey(key)) args[key] = value.ToString();
        }
        return (args, null);
    }

    private JsonObject Dispatch(string method, JsonObject args) => method switch
    {
        "auth.test" => AuthTest(),
        "conversations.open" => ConversationsOpen(args),
        "conversations.history" => ConversationsHistory(args),
        "chat.postMessage" => PostMessage(args),
        "users.info" => UsersInfo(args),
        "views.open" => ViewsOpen(args),
        "apps.connections.open" => ConnectionsOpen(),
        _ => Failure("unknown_method"),
    };

    private JsonObject AuthTest() => new()
    {
        ["ok"] = true,
        ["url"] = BaseAddress.AbsoluteUri,
        ["team"] = _options.TeamName,
        ["user"] = "improvebot",
        ["team_id"] = _options.TeamId,
        ["user_id"] = _options.BotUserId,
        ["bot_id"] = _options.BotId,
        ["is_enterprise_install"] = false,
    };

    private JsonObject ConversationsOpen(JsonObject args)
    {
        var users = (Str(args, "users") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (users.Length == 0) return Failure("users_list_not_supplied");
        if (users.Length > 8) return Failure("too_many_users");
        lock (_gate)
        {
            if (users.FirstOrDefault(u => !_users.ContainsKey(u)) is not null) return Failure("user_not_found");
            if (users.Length > 1)
            {
                var group = $"G{++_counter:D8}";
                _channels.Add(group);
                return Success(new JsonObject { ["channel"] = new JsonObject { ["id"] = group } });
            }
            var user = users[0];
            var existed = _dmByUser.TryGetValue(user, out var channel);
            if (!existed)
            {
                channel = $"D{++_counter:D8}";
                _dmByUser[user] = channel;
                _channels.Add(channel);
            }
            var answer = Success(new JsonObject { ["channel"] = new JsonObject { ["id"] = channel } });
            if (existed)
            {
                answer["no_op"] = true;
                answer["already_open"] = true;
            }
            return answer;
        }
    }

    private JsonObject PostMessage(JsonObject args)
    {
        var channel = Str(args, "channel");
        if (string.IsNullOrEmpty(channel)) return Failure("channel_not_found");
        lock (_gate)
        {
            if (!_channels.Contains(channel)) return Failure("channel_not_found");
        }

        JsonArray? blocks = null;
        if (args["blocks"] is { } blocksNode)
        {
            // JSON bodies carry an array; form bodies carry the array as a JSON string.
            blocks = AsJson(blocksNode) as JsonArray;
            if (blocks is null) return Failure("invalid_blocks_format");
            var errors = BlockKitRules.ValidateMessageBlocks(blocks);
            if (errors.Count > 0) return Failure("invalid_blocks", errors);
        }

        var text = Str(args, "text") ?? "";
        if (text.Length == 0 && (blocks is null || blocks.Count == 0)) return Failure("no_text");
        // Slack truncates, rather than refuses, long fallback text (§6).
        if (text.Length > MaxMessageText) text = text[..MaxMessageText];

        JsonObject? metadata = null;
        if (args["metadata"] is { } metadataNode)
        {
            metadata = AsJson(metadataNode) as JsonObject;
            if (metadata is null || BlockKitRules.Str(metadata, "event_type") is not { Length: > 0 } || metadata["event_payload"] is not JsonObject)
                return Failure("invalid_metadata_format");
        }

        var threadTs = Str(args, "thread_ts");
        string ts;
        lock (_gate)
        {
            ts = $"{_options.Time.GetUtcNow().ToUnixTimeSeconds()}.{++_counter % 1_000_000:D6}";
            _messages.Add(new PostedMessage(channel, text, blocks?.DeepClone().AsArray(), threadTs, metadata?.DeepClone().AsObject(), ts));
        }

        var message = new JsonObject
        {
            ["type"] = "message",
            ["text"] = text,
            ["user"] = _options.BotUserId,
            ["bot_id"] = _options.BotId,
            ["ts"] = ts,
        };
        if (blocks is not null) message["blocks"] = blocks.DeepClone();
        if (threadTs is not null) message["thread_ts"] = threadTs;
        return Success(new JsonObject { ["channel"] = channel, ["ts"] = ts, ["message"] = message });
    }

    // Newest first, at most `limit` (default 100, at most 999); metadata only with include_all_metadata, as Slack does.
    private JsonObject ConversationsHistory(JsonObject args)
    {
        var channel = Str(args, "channel");
        if (string.IsNullOrEmpty(channel)) return Failure("channel_not_found");
        var limit = int.TryParse(Str(args, "limit"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l)
            ? Math.Clamp(l, 1, 999) : 100;
        var withMetadata = Str(args, "include_all_metadata") is "true" or "1";
        var messages = new JsonArray();
        lock (_gate)
        {
            if (!_channels.Contains(channel)) return Failure("channel_not_found");
            foreach (var posted in _messages.Where(m => m.Channel == channel).Reverse().Take(limit))
            {
                var message = new JsonObject
                {
                    ["type"] = "message",
                    ["text"] = posted.Text,
                    ["user"] = _options.BotUserId,
                    ["bot_id"] = _options.BotId,
                    ["ts"] = posted.Ts,
                };
                if (withMetadata && posted.Metadata is not null) message["metadata"] = posted.Metadata.DeepClone();
                messages.Add(message);
            }
        }
        return Success(new JsonObject { ["messages"] = messages, ["has_more"] = false });
    }

    private JsonObject UsersInfo(JsonObject args)
    {
        var id = Str(args, "user");
        FakeSlackUser? user;
        lock (_gate) user = id is null ? null : _users.GetValueOrDefault(id);
        if (user is null) return Failure("user_not_found");

        var now = _options.Time.GetUtcNow();
        // Slack keeps a label and offset even when tz is null (fixture user_object_tz_null.json).
        var (label, offset) = ("Pacific Daylight Time", -25200);
        if (user.TimeZone is { } tz && TryFindZone(tz) is { } zone)
        {
            var utcOffset = zone.GetUtcOffset(now);
            (label, offset) = (zone.IsDaylightSavingTime(now) ? zone.DaylightName : zone.StandardName, (int)utcOffset.TotalSeconds);
        }
        var realName = user.RealName ?? user.Name;
        return Success(new JsonObject
        {
            ["user"] = new JsonObject
            {
                ["id"] = user.Id,
                ["team_id"] = _options.TeamId,
                ["name"] = user.Name,
                ["deleted"] = user.Deleted,
                ["real_name"] = realName,
                ["tz"] = user.TimeZone,
                ["tz_label"] = label,
                ["tz_offset"] = offset,
                ["is_admin"] = user.IsAdmin,
                ["is_owner"] = user.IsOwner,
                ["is_primary_owner"] = false,
                ["is_restricted"] = false,
                ["is_ultra_restricted"] = false,
                ["is_bot"] = user.IsBot,
                ["is_app_user"] = false,
                ["updated"] = now.ToUnixTimeSeconds(),
                ["profile"] = new JsonObject
                {
                    ["real_name"] = realName,
                    ["real_name_normalized"] = realName,
                    ["display_name"] = user.DisplayName ?? "",
                    ["display_name_normalized"] = user.DisplayName ?? "",
                    ["team"] = _options.TeamId,
                },
            },
        });
    }

    private JsonObject ViewsOpen(JsonObject args)
    {
        var triggerId = Str(args, "trigger_id");
        if (string.IsNullOrEmpty(triggerId)) return Failure("invalid_arguments", ["[ERROR] missing required field: trigger_id"]);
        if (args["view"] is not { } viewNode || AsJson(viewNode) is not JsonObject view)
            return Failure("invalid_arguments", ["[ERROR] missing required field: view"]);
        if (Encoding.UTF8.GetByteCount(view.ToJsonString()) > MaxViewBytes) return Failure("view_too_large");

        lock (_gate)
        {
            if (!_triggers.TryGetValue(triggerId, out var trigger)) return Failure("invalid_trigger_id");
            if (trigger.Used) return Failure("exchanged_trigger_id");
            if (_options.Time.GetUtcNow() - trigger.MintedAt > TriggerIdLifetime) return Failure("expired_trigger_id");
            var errors = BlockKitRules.ValidateModal(view);
            if (errors.Count > 0) return Failure("invalid_arguments", errors);
            // Spent only by a successful open (unverified: whether Slack also spends it on a refused view).
            trigger.Used = true;

            var id = $"V{++_counter:D8}";
            var answered = view.DeepClone().AsObject();
            answered["id"] = id;
            answered["team_id"] = _options.TeamId;
            answered["state"] ??= new JsonObject { ["values"] = new JsonObject() };
            answered["hash"] = $"{_options.Time.GetUtcNow().ToUnixTimeSeconds()}.{Guid.NewGuid():N}"[..20];
            answered["previous_view_id"] = null;
            answered["root_view_id"] = id;
            answered["app_id"] = _options.AppId;
            answered["bot_id"] = _options.BotId;
            answered["external_id"] ??= "";
            answered["clear_on_close"] ??= false;
            answered["notify_on_close"] ??= false;
            _views.Add(new OpenedView(id, triggerId, trigger.UserId, answered.DeepClone().AsObject()));
            return Success(new JsonObject { ["view"] = answered });
        }
    }

    private JsonObject ConnectionsOpen()
    {
        var ticket = Guid.NewGuid().ToString("N");
        lock (_gate) _tickets[ticket] = false;
        var url = new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/socket", Query = $"ticket={ticket}&app_id={_options.AppId}" }.Uri;
        return Success(new JsonObject { ["url"] = url.AbsoluteUri });
    }

    private async Task HandleResponseUrlAsync(HttpContext http)
    {
        var id = http.GetRouteValue("id") as string ?? "";
        var at = _options.Time.GetUtcNow();
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            Record(ResponseUrlMethod, at, 405, null, http.Request);
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        CountArrival(ResponseUrlMethod);
        if (await ApplyFaultAsync(ResponseUrlMethod, at, http)) return;

        // How Slack words response_url refusals is not documented (unverified); the limits themselves are (§2).
        string? error;
        lock (_gate)
        {
            error = !_responseUrls.TryGetValue(id, out var state) ? "invalid_url"
                : at - state.MintedAt > ResponseUrlLifetime ? "expired_url"
                : state.Uses >= ResponseUrlMaxUses ? "used_url"
                : null;
        }
        if (error is not null)
        {
            Record(ResponseUrlMethod, at, 404, error, http.Request);
            await WriteJsonAsync(http, StatusCodes.Status404NotFound, Failure(error));
            return;
        }

        var (args, argsError) = await ReadArgumentsAsync(http.Request, http.RequestAborted);
        if (argsError is not null || args is null || args.Count == 0)
        {
            Record(ResponseUrlMethod, at, 400, "invalid_payload", http.Request);
            await WriteJsonAsync(http, StatusCodes.Status400BadRequest, Failure("invalid_payload"));
            return;
        }
        lock (_gate)
        {
            _responseUrls[id].Uses++;
            _responsePosts.Add(new ResponseUrlPost(id, args.DeepClone().AsObject(), http.Request.Headers.Authorization.Count > 0, at));
        }
        Record(ResponseUrlMethod, at, 200, null, http.Request);
        await WriteJsonAsync(http, StatusCodes.Status200OK, Success(new JsonObject()));
    }

    private static JsonObject Success(JsonObject answer)
    {
        var ok = new JsonObject { ["ok"] = true };
        foreach (var (key, value) in answer.ToArray())
        {
            answer.Remove(key);
            ok[key] = value;
        }
        return ok;
    }

    private static JsonObject Failure(string error, IEnumerable<string>? messages = null)
    {
        var answer = new JsonObject { ["ok"] = false, ["error"] = error };
        if (messages is not null)
            answer["response_metadata"] = new JsonObject { ["messages"] = new JsonArray(messages.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()) };
        return answer;
    }

    private static string? ErrorOf(JsonObject answer) => answer["ok"]?.GetValue<bool>() == true ? null : BlockKitRules.Str(answer, "error");

    private static bool IsJsonWithoutCharset(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType == "application/json" && string.IsNullOrEmpty(parsed.CharSet);

    /// <summary>A string argument; numbers and booleans (JSON bodies) are read as their text.</summary>
    private static string? Str(JsonObject args, string name) => args[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    /// <summary>A JSON argument: itself in a JSON body, parsed from its text in a form body.</summary>
    private static JsonNode? AsJson(JsonNode node)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text)) return node;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeZoneInfo? TryFindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    private static async Task WriteJsonAsync(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }
}
