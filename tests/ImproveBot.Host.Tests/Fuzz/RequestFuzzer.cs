using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Core.Commands;
using ImproveBot.Testing.FakeDiscord;

namespace ImproveBot.Host.Tests.Fuzz;

/// <summary>What a fuzzed request must get, whatever else happens: a 401 for a bad signature, a 413 for too large a body.</summary>
internal enum FuzzExpect
{
    NotServerError,
    Unauthorized,
    TooLarge,
}

/// <summary>One generated request, built completely (and signed) before anything is sent, so a seed reproduces it.</summary>
internal sealed record FuzzRequest(int Index, string Endpoint, HttpMethod Method, string Path, byte[]? Body, string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers, FuzzExpect Expect, string Mutation)
{
    /// <summary>For an untouched <c>/idea</c>: the idea text the grammar makes of it, which a stored idea must equal exactly.</summary>
    public string? ExpectedIdeaText { get; init; }

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }
        foreach (var (name, value) in Headers) message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    public string Describe() =>
        $"#{Index} {Method} {Path} [{Mutation}] expect {Expect}, content-type {ContentType ?? "(none)"}, {Body?.Length ?? 0} bytes: "
        + (Body is null ? "" : Escape(Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 300)))));

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}"));
}

/// <summary>
/// Generates malformed, mutated and (often) correctly signed requests for every front door of the bot. About half of the
/// platform requests are signed correctly, so the parsers behind the signature check get the hostile input too.
/// </summary>
internal sealed class RequestFuzzer(Random random, FuzzRig rig)
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string Json = "application/json";
    private const int OverLimit = 1024 * 1024 + 1;

    private static readonly string[] WrongContentTypes =
        ["text/plain", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=utf-16", "", ";;;", "application/x-www-form-urlencoded", "application/json"];

    private readonly List<string> _discordIds = [];
    private readonly List<string> _slackEventIds = [];

    public FuzzRequest Next(int index)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 20 => SlackCommand(index),
            < 30 => SlackEvent(index),
            < 40 => SlackInteraction(index),
            < 60 => DiscordInteraction(index),
            < 74 => LocalCommand(index),
            < 78 => LocalAnswer(index),
            < 82 => LocalAction(index),
            < 85 => LocalRead(index),
            < 86 => LocalJob(index),
            _ => AdminApi(index),
        };
    }

    // ---- Slack ----------------------------------------------------------------------------------------------------

    private FuzzRequest SlackCommand(int index)
    {
        var command = random.Next(10) switch { < 6 => "/idea", 6 => "/ideas", 7 or 8 => "/improve", _ => FuzzCorpus.Pick(random, FuzzCorpus.Hostile) };
        var text = command switch
        {
            "/idea" => FuzzCorpus.IdeaText(random),
            "/ideas" => random.Next(2) == 0 ? "mine" : FuzzCorpus.Pick(random, FuzzCorpus.Hostile),
            "/improve" => FuzzCorpus.Pick(random, FuzzCorpus.OtherCommands),
            _ => FuzzCorpus.IdeaText(random),
        };
        var user = random.Next(10) switch { < 4 => FuzzRig.SlackAda, < 7 => FuzzRig.SlackBob, 7 => FuzzRig.SlackLead, _ => "U" + random.Next(1000, 9999) + "X" };
        var fields = new List<KeyValuePair<string, string>>
        {
            new("token", "legacy"), new("team_id", random.Next(10) == 0 ? "T" + random.Next(100, 999) : rig.Slack.TeamId),
            new("team_domain", "fake"), new("channel_id", "C0SOMEWHERE"), new("channel_name", "general"), new("user_id", user),
            new("user_name", "someone"), new("command", command), new("text", SlackEscape(text)),
            new("response_url", rig.Slack.MintResponseUrl().ToString()), new("trigger_id", "1.2.3"), new("api_app_id", "A0FAKEAPP1"),
        };
        var mutation = "none";
        if (random.Next(3) == 0) mutation = FuzzCorpus.MutateForm(random, fields);
        var body = Encoding.UTF8.GetBytes(FuzzCorpus.Form(fields));
        if (random.Next(5) == 0) (body, mutation) = FuzzCorpus.MutateBytes(random, body);
        var expected = mutation == "none" && command == "/idea" && CommandParser.Parse("/idea", text).Command is LogIdeaCommand idea ? idea.Text : null;
        return SignSlack(index, "slack/commands", "/slack/commands", body, Form, mutation) with { ExpectedIdeaText = expected };
    }

    private FuzzRequest SlackEvent(int index)
    {
        JsonNode envelope = random.Next(10) switch
        {
            0 => new JsonObject { ["type"] = "url_verification", ["token"] = "legacy", ["challenge"] = FuzzCorpus.Pick(random, FuzzCorpus.Hostile) },
            1 => new JsonObject { ["type"] = "app_rate_limited", ["team_id"] = rig.Slack.TeamId, ["minute_rate_limited"] = 1518467820 },
            2 => new JsonObject { ["type"] = FuzzCorpus.Pick(random, FuzzCorpus.Hostile) },
            _ => new JsonObject
            {
                ["token"] = "legacy", ["team_id"] = rig.Slack.TeamId, ["api_app_id"] = "A0FAKEAPP1", ["type"] = "event_callback",
                ["event_id"] = ReuseOrNew(_slackEventIds, () => "Ev" + random.NextInt64(1_000_000_000, 9_999_999_999)),
                ["event_time"] = 1700000000,
                ["event"] = new JsonObject
                {
                    ["type"] = random.Next(5) == 0 ? "app_mention" : "message", ["channel_type"] = random.Next(5) == 0 ? "channel" : "im",
                    ["channel"] = "D0SOMEDM01", ["user"] = random.Next(2) == 0 ? FuzzRig.SlackAda : FuzzRig.SlackBob,
                    ["text"] = SlackEscape(FuzzCorpus.IdeaText(random)), ["ts"] = "1700000000.000100",
                },
            },
        };
        var (body, mutation) = JsonBody(envelope);
        return SignSlack(index, "slack/events", "/slack/events", body, Json, mutation);
    }

    private FuzzRequest SlackInteraction(int index)
    {
        var user = new JsonObject { ["id"] = random.Next(2) == 0 ? FuzzRig.SlackAda : FuzzRig.SlackBob, ["team_id"] = rig.Slack.TeamId, ["name"] = "ada" };
        JsonNode payload = random.Next(4) switch
        {
            0 or 1 => new JsonObject
            {
                ["type"] = "block_actions", ["user"] = user, ["team"] = new JsonObject { ["id"] = rig.Slack.TeamId }, ["api_app_id"] = "A0FAKEAPP1",
                ["trigger_id"] = "1.2.3", ["response_url"] = rig.Slack.MintResponseUrl().ToString(), ["container"] = new JsonObject { ["type"] = "message" },
                ["actions"] = new JsonArray(new JsonObject
                {
                    ["action_id"] = FuzzCorpus.Pick(random, FuzzCorpus.ActionIds), ["block_id"] = "b", ["type"] = "button", ["value"] = "v",
                }),
            },
            2 => new JsonObject
            {
                ["type"] = "view_submission", ["user"] = user, ["team"] = new JsonObject { ["id"] = rig.Slack.TeamId },
                ["view"] = new JsonObject
                {
                    ["id"] = "V1", ["callback_id"] = FuzzCorpus.Pick(random, FuzzCorpus.ActionIds),
                    ["state"] = new JsonObject
                    {
                        ["values"] = new JsonObject
                        {
                            ["q0"] = new JsonObject { ["q0"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = FuzzCorpus.IdeaText(random) } },
                            ["ideas"] = new JsonObject { ["ideas"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = FuzzCorpus.IdeaText(random) } },
                        },
                    },
                },
            },
            _ => new JsonObject { ["type"] = random.Next(2) == 0 ? "view_closed" : FuzzCorpus.Pick(random, FuzzCorpus.Hostile), ["user"] = user },
        };
        var mutation = "none";
        if (random.Next(3) == 0) mutation = FuzzCorpus.MutateJson(random, payload);
        var fields = new List<KeyValuePair<string, string>> { new("payload", payload.ToJsonString()) };
        if (random.Next(6) == 0) mutation += "+" + FuzzCorpus.MutateForm(random, fields);
        var body = Encoding.UTF8.GetBytes(FuzzCorpus.Form(fields));
        if (random.Next(6) == 0)
        {
            (body, var byteMutation) = FuzzCorpus.MutateBytes(random, body);
            mutation += "+" + byteMutation;
        }
        return SignSlack(index, "slack/interactions", "/slack/interactions", body, Form, mutation);
    }

    /// <summary>Signed correctly (most often), signed with a wrong content type, or refused for a bad signature in one of many ways.</summary>
    private FuzzRequest SignSlack(int index, string endpoint, string path, byte[] body, string contentType, string mutation)
    {
        if (random.Next(150) == 0)
            return new FuzzRequest(index, endpoint, HttpMethod.Post, path, Oversized(body), contentType, [], FuzzExpect.TooLarge, mutation + "+oversized");

        var now = FuzzRig.Seconds(rig.Now);
        var roll = random.Next(100);
        if (roll < 55) return Signed(FuzzRig.SlackSignature(FuzzRig.SigningSecret, now, body), now, contentType, FuzzExpect.NotServerError, "signed");
        if (roll < 60) return Signed(FuzzRig.SlackSignature(FuzzRig.SigningSecret, now, body), now, FuzzCorpus.Pick(random, WrongContentTypes), FuzzExpect.NotServerError, "signed+content-type");

        var good = FuzzRig.SlackSignature(FuzzRig.SigningSecret, now, body);
        switch (random.Next(12))
        {
            case 0: return Bad([], "sig:absent");
            case 1: return Bad([new("X-Slack-Request-Timestamp", now)], "sig:no-signature");
            case 2: return Bad([new("X-Slack-Signature", good)], "sig:no-timestamp");
            case 3:
            {
                var stale = FuzzRig.Seconds(rig.Now - random.Next(301, 100_000));
                return Bad(Headers(stale, FuzzRig.SlackSignature(FuzzRig.SigningSecret, stale, body)), "sig:stale");
            }
            case 4:
            {
                var future = FuzzRig.Seconds(rig.Now + random.Next(301, 100_000));
                return Bad(Headers(future, FuzzRig.SlackSignature(FuzzRig.SigningSecret, future, body)), "sig:future");
            }
            case 5: return Bad(Headers(now, FuzzRig.SlackSignature("another-secret", now, body)), "sig:other-secret");
            case 6: return Bad(Headers(now, FuzzRig.SlackSignature(FuzzRig.SigningSecret, now, [.. body, (byte)' '])), "sig:tampered");
            case 7: return Bad(Headers(now, "v1=" + good[3..]), "sig:version");
            case 8: return Bad(Headers(now, good.ToUpperInvariant()), "sig:upper-case");
            case 9: return Bad(Headers(now, good[..random.Next(good.Length)]), "sig:truncated");
            case 10: return Bad(Headers(FuzzCorpus.Pick(random, ["1e9", "+" + now, "-1", "", "99999999999999999999", now + ".0", "0x" + now]), good), "sig:bad-timestamp");
            default: return Bad([new("X-Slack-Request-Timestamp", now), new("X-Slack-Signature", good), new("X-Slack-Signature", good)], "sig:repeated");
        }

        static List<KeyValuePair<string, string>> Headers(string timestamp, string signature) =>
            [new("X-Slack-Request-Timestamp", timestamp), new("X-Slack-Signature", signature)];

        FuzzRequest Signed(string signature, string timestamp, string? type, FuzzExpect expect, string how)
        {
            var headers = Headers(timestamp, signature);
            if (random.Next(20) == 0) headers.Add(new("X-Slack-Retry-Num", FuzzCorpus.Pick(random, ["1", "3", "x", "-1", "99999999999"])));
            return new FuzzRequest(index, endpoint, HttpMethod.Post, path, body, type, headers, expect, $"{mutation}+{how}");
        }

        FuzzRequest Bad(List<KeyValuePair<string, string>> headers, string how) =>
            new(index, endpoint, HttpMethod.Post, path, body, random.Next(4) == 0 ? FuzzCorpus.Pick(random, WrongContentTypes) : contentType, headers,
                FuzzExpect.Unauthorized, $"{mutation}+{how}");
    }

    // ---- Discord --------------------------------------------------------------------------------------------------

    private FuzzRequest DiscordInteraction(int index)
    {
        var user = random.Next(4) switch { 0 => FuzzRig.DiscordAda, 1 => FuzzRig.DiscordBob, 2 => FuzzRig.DiscordLead, _ => new FakeDiscordUser("12000000000000" + random.Next(10000, 99999), "stranger") };
        var guild = random.Next(5) == 0 ? null : FuzzRig.Guild;
        string? expected = null;
        JsonObject interaction;
        switch (random.Next(10))
        {
            case 0:
                interaction = new JsonObject { ["type"] = 1, ["id"] = "1", ["application_id"] = rig.Discord.ApplicationId };
                break;
            case < 5:
            {
                var text = FuzzCorpus.IdeaText(random);
                var options = new List<JsonObject> { FakeDiscordServer.Option("text", 3, text) };
                if (random.Next(3) == 0) options.Add(FakeDiscordServer.Option("visibility", 3, FuzzCorpus.Pick(random, ["team", "private", "anon", "bogus"])));
                interaction = rig.Discord.SlashCommand(user, guild, "idea", [.. options]);
                expected = options.Count == 1 && CommandParser.Parse("/idea", text.Trim()).Command is LogIdeaCommand idea ? idea.Text : null;
                break;
            }
            case 5:
                interaction = rig.Discord.SlashCommand(user, guild, FuzzCorpus.Pick(random, ["ideas", "improve", "unknown"]),
                    FakeDiscordServer.SubCommand(FuzzCorpus.Pick(random, ["pause", "tz", "status", "vote", "help", "config"]),
                        FakeDiscordServer.Option(FuzzCorpus.Pick(random, ["duration", "zone", "id", "status", "text"]), 3, FuzzCorpus.Pick(random, FuzzCorpus.OtherCommands))));
                break;
            case 6 or 7:
                interaction = rig.Discord.Button(user, guild, FuzzCorpus.Pick(random, FuzzCorpus.ActionIds));
                break;
            case 8:
                interaction = rig.Discord.ModalSubmit(user, guild, FuzzCorpus.Pick(random, FuzzCorpus.ActionIds),
                    new Dictionary<string, string> { ["q0"] = FuzzCorpus.IdeaText(random), ["ideas"] = FuzzCorpus.IdeaText(random) });
                break;
            default:
                interaction = rig.Discord.Button(user, guild, "x");
                interaction["type"] = FuzzCorpus.Pick(random, ["4", "99", "-1", "2.5", "1e3"]) switch { var t => JsonNode.Parse(t) };
                break;
        }
        // Now and then a replay of an interaction id seen before: it must be answered as already handled, never stored twice.
        if (interaction["id"] is not null && random.Next(15) == 0 && _discordIds.Count > 0)
        {
            interaction["id"] = _discordIds[random.Next(_discordIds.Count)];
            expected = null;
        }
        else if (interaction["id"] is { } id)
        {
            _discordIds.Add(id.GetValue<string>());
        }

        var (body, mutation) = JsonBody(interaction);
        if (mutation != "none") expected = null;
        return SignDiscord(index, body, mutation) with { ExpectedIdeaText = expected };
    }

    private FuzzRequest SignDiscord(int index, byte[] body, string mutation)
    {
        const string endpoint = "discord/interactions";
        const string path = "/discord/interactions";
        if (random.Next(150) == 0)
            return new FuzzRequest(index, endpoint, HttpMethod.Post, path, Oversized(body), Json, [], FuzzExpect.TooLarge, mutation + "+oversized");

        var now = FuzzRig.Seconds(rig.Now);
        var good = rig.Discord.Signer.Sign(now, body);
        var roll = random.Next(100);
        if (roll < 55) return Make(Headers(now, good), Json, FuzzExpect.NotServerError, "signed");
        if (roll < 60) return Make(Headers(now, good), FuzzCorpus.Pick(random, WrongContentTypes), FuzzExpect.NotServerError, "signed+content-type");

        switch (random.Next(10))
        {
            case 0: return Bad([], "sig:absent");
            case 1: return Bad([new("X-Signature-Timestamp", now)], "sig:no-signature");
            case 2: return Bad([new("X-Signature-Ed25519", good)], "sig:no-timestamp");
            case 3:
            {
                var stale = FuzzRig.Seconds(rig.Now - random.Next(301, 100_000));
                return Bad(Headers(stale, rig.Discord.Signer.Sign(stale, body)), "sig:stale");
            }
            case 4:
            {
                using var other = new DiscordInteractionSigner();
                return Bad(Headers(now, other.Sign(now, body)), "sig:other-key");
            }
            case 5: return Bad(Headers(now, rig.Discord.Signer.Sign(now, [.. body, (byte)' '])), "sig:tampered");
            case 6: return Bad(Headers(now, good[..random.Next(good.Length)]), "sig:truncated");
            case 7: return Bad(Headers(now, new string('z', 128)), "sig:not-hex");
            case 8: return Bad(Headers(FuzzCorpus.Pick(random, ["1e9", "+" + now, "", "99999999999999999999", now + ".0"]), good), "sig:bad-timestamp");
            default: return Bad([new("X-Signature-Timestamp", now), new("X-Signature-Ed25519", good), new("X-Signature-Ed25519", good)], "sig:repeated");
        }

        static List<KeyValuePair<string, string>> Headers(string timestamp, string signature) =>
            [new("X-Signature-Timestamp", timestamp), new("X-Signature-Ed25519", signature)];

        FuzzRequest Make(List<KeyValuePair<string, string>> headers, string? type, FuzzExpect expect, string how) =>
            new(index, endpoint, HttpMethod.Post, path, body, type, headers, expect, $"{mutation}+{how}");

        FuzzRequest Bad(List<KeyValuePair<string, string>> headers, string how) =>
            Make(headers, random.Next(4) == 0 ? FuzzCorpus.Pick(random, WrongContentTypes) : Json, FuzzExpect.Unauthorized, how);
    }

    // ---- Local playground -----------------------------------------------------------------------------------------

    private static readonly string[] LocalUsers = ["ada", "bob", "lead", "carol", "", "<script>", "a b", "ädä", new string('u', 41), "x.y-z_1"];

    private FuzzRequest LocalCommand(int index)
    {
        var text = random.Next(10) switch
        {
            < 6 => "/idea " + FuzzCorpus.IdeaText(random),
            6 => "/ideas " + FuzzCorpus.Pick(random, ["", "mine", "team", "#reading", "#a #b", "--mine"]),
            7 or 8 => "/improve " + FuzzCorpus.Pick(random, FuzzCorpus.OtherCommands),
            _ => FuzzCorpus.IdeaText(random),
        };
        var user = FuzzCorpus.Pick(random, LocalUsers);
        var expected = text.StartsWith("/idea ", StringComparison.Ordinal) && CommandParser.Parse(text).Command is LogIdeaCommand idea ? idea.Text : null;
        var request = LocalJson(index, "local/command", "/local/command", new JsonObject { ["user"] = user, ["text"] = text });
        return request with { ExpectedIdeaText = request.Mutation == "none" ? expected : null };
    }

    private FuzzRequest LocalAnswer(int index)
    {
        var answers = new JsonArray(Enumerable.Range(0, random.Next(0, 6)).Select(_ => (JsonNode?)JsonValue.Create(FuzzCorpus.IdeaText(random))).ToArray());
        var ideas = new JsonArray(Enumerable.Range(0, random.Next(0, 4)).Select(_ => (JsonNode?)JsonValue.Create(FuzzCorpus.IdeaText(random))).ToArray());
        return LocalJson(index, "local/answer", "/local/answer", new JsonObject { ["user"] = FuzzCorpus.Pick(random, LocalUsers), ["answers"] = answers, ["ideas"] = ideas });
    }

    private FuzzRequest LocalAction(int index)
    {
        var values = new JsonObject();
        for (var i = random.Next(0, 4); i > 0; i--) values[FuzzCorpus.Pick(random, ["q0", "q1", "q4", "ideas", "value", "x"])] = FuzzCorpus.IdeaText(random);
        return LocalJson(index, "local/action", "/local/action",
            new JsonObject { ["user"] = FuzzCorpus.Pick(random, LocalUsers), ["action"] = FuzzCorpus.Pick(random, FuzzCorpus.ActionIds), ["values"] = values });
    }

    private FuzzRequest LocalJson(int index, string endpoint, string path, JsonNode body)
    {
        if (random.Next(150) == 0)
            return new FuzzRequest(index, endpoint, HttpMethod.Post, path, Oversized(Encoding.UTF8.GetBytes(body.ToJsonString())), Json, [], FuzzExpect.TooLarge, "oversized");
        var (bytes, mutation) = JsonBody(body);
        var type = random.Next(12) == 0 ? FuzzCorpus.Pick(random, WrongContentTypes) : Json;
        if (type != Json) mutation += "+content-type";
        return new FuzzRequest(index, endpoint, HttpMethod.Post, path, random.Next(40) == 0 ? null : bytes, type, [], FuzzExpect.NotServerError, mutation);
    }

    private FuzzRequest LocalRead(int index)
    {
        if (random.Next(4) == 0) return new FuzzRequest(index, "local/channel", HttpMethod.Get, "/local/channel", null, null, [], FuzzExpect.NotServerError, "none");
        var user = Uri.EscapeDataString(random.Next(3) == 0 ? FuzzCorpus.Pick(random, FuzzCorpus.Hostile) : FuzzCorpus.Pick(random, LocalUsers));
        if (user.Length == 0) user = "%20";
        return new FuzzRequest(index, "local/inbox", HttpMethod.Get, "/local/inbox/" + user, null, null, [], FuzzExpect.NotServerError, "none");
    }

    private FuzzRequest LocalJob(int index)
    {
        var job = Uri.EscapeDataString(FuzzCorpus.Pick(random, ["prompt", "reminder", "digest", "followup", "dispatch", "nap", "..", "%00", "PROMPT"]));
        var method = random.Next(6) == 0 ? HttpMethod.Get : HttpMethod.Post;
        return new FuzzRequest(index, "local/jobs", method, $"/local/jobs/{job}/run", null, null, [], FuzzExpect.NotServerError, "none");
    }

    // ---- Admin API ------------------------------------------------------------------------------------------------

    private FuzzRequest AdminApi(int index)
    {
        var query = new List<string>();
        for (var i = random.Next(0, 5); i > 0; i--)
        {
            var name = FuzzCorpus.Pick(random, ["tag", "status", "source", "author", "limit", "limit", "x", "status"]);
            var value = FuzzCorpus.Pick(random, ["reading", "new", "trying", "in-flow", "reflection", "1", "0", "1000", "1001", "-1", "abc",
                "99999999999", "2147483648", "", "ada", "NEW", "Adopted", "5"]);
            if (random.Next(4) == 0) value = FuzzCorpus.Pick(random, FuzzCorpus.Hostile);
            query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        var path = FuzzCorpus.Pick(random, ["/api/ideas", "/api/ideas", "/api/ideas", "/api/ideas/", "/api/nope", "/api"]) + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var method = random.Next(10) == 0 ? new[] { HttpMethod.Post, HttpMethod.Delete, HttpMethod.Put }[random.Next(3)] : HttpMethod.Get;

        var roll = random.Next(10);
        if (roll < 6) return new FuzzRequest(index, "api", method, path, null, null, [new("Authorization", "Bearer " + FuzzRig.AdminToken)], FuzzExpect.NotServerError, "authorized");
        var header = FuzzCorpus.Pick(random, [
            "", "Bearer", "Bearer ", "Bearer wrong-token-wrong-token", "Basic " + FuzzRig.AdminToken, "Bearer " + FuzzRig.AdminToken[..^1],
            "Bearer " + FuzzRig.AdminToken + "x", "Bearer " + FuzzRig.AdminToken.ToUpperInvariant(), FuzzRig.AdminToken, "bearer " + FuzzRig.AdminToken[1..],
        ]);
        List<KeyValuePair<string, string>> headers = header.Length == 0 ? [] : [new("Authorization", header)];
        // Only an endpoint that exists asks for the token; elsewhere under /api the answer is 404 or 405 whatever it carries.
        var exists = method == HttpMethod.Get && (path.StartsWith("/api/ideas?", StringComparison.Ordinal) || path == "/api/ideas" || path.StartsWith("/api/ideas/", StringComparison.Ordinal));
        return new FuzzRequest(index, "api", method, path, null, null, headers, exists ? FuzzExpect.Unauthorized : FuzzExpect.NotServerError, "bad-token");
    }

    // ---- shared -----------------------------------------------------------------------------------------------------

    /// <summary>The JSON as bytes, after maybe a tree mutation and maybe a byte mutation; now and then replaced by something deeply nested.</summary>
    private (byte[] Body, string Mutation) JsonBody(JsonNode node)
    {
        var mutation = "none";
        if (random.Next(30) == 0)
            return (Encoding.UTF8.GetBytes(FuzzCorpus.Nested(random.Next(65, 5000), random.Next(2) == 0)), "json:deep-nesting");
        if (random.Next(3) == 0) mutation = FuzzCorpus.MutateJson(random, node);
        var json = node.ToJsonString();
        if (random.Next(10) == 0)
        {
            // A duplicated key: System.Text.Json refuses them in some readers and keeps the last in others.
            var brace = json.IndexOf('{', StringComparison.Ordinal);
            if (brace >= 0)
            {
                json = json[..(brace + 1)] + "\"type\":1," + json[(brace + 1)..];
                mutation += "+json:duplicate-key";
            }
        }
        var body = Encoding.UTF8.GetBytes(json);
        if (random.Next(6) == 0)
        {
            (body, var byteMutation) = FuzzCorpus.MutateBytes(random, body);
            mutation += "+" + byteMutation;
        }
        return (body, mutation);
    }

    private byte[] Oversized(byte[] body)
    {
        var big = new byte[OverLimit + random.Next(0, 4096)];
        body.AsSpan(0, Math.Min(body.Length, big.Length)).CopyTo(big);
        big.AsSpan(Math.Min(body.Length, big.Length)).Fill((byte)'a');
        return big;
    }

    private string ReuseOrNew(List<string> seen, Func<string> next)
    {
        if (seen.Count > 0 && random.Next(15) == 0) return seen[random.Next(seen.Count)];
        var id = next();
        seen.Add(id);
        return id;
    }

    /// <summary>Slack escapes <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> in the text it sends; the bot undoes it.</summary>
    private static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
