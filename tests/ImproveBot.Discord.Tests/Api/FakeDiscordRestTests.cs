using System.Globalization;
using System.Text.Json.Nodes;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Api;

/// <summary>
/// The fake Discord itself, checked with raw HTTP: tests of the bot can only be as strict as the fake, so its own rules
/// (authorization, User-Agent, limits, error shapes, rate-limit headers, nonces, webhooks) are pinned down here.
/// </summary>
public sealed class FakeDiscordRestTests : IAsyncLifetime
{
    private const string Messages = $"channels/{DiscordApiTestKit.Channel}/messages";
    private DiscordApiTestKit _kit = null!;

    public async Task InitializeAsync() => _kit = await DiscordApiTestKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private static JsonObject Suppressed() => new() { ["parse"] = new JsonArray() };

    private static JsonObject Body(string content) => new() { ["content"] = content, ["allowed_mentions"] = Suppressed() };

    private static JsonArray Errors(JsonNode? body, params string[] path)
    {
        var node = body!["errors"];
        foreach (var part in path) node = node![part];
        return node!["_errors"]!.AsArray();
    }

    [Fact]
    public async Task Without_the_bot_token_it_is_401()
    {
        var (status, body, _) = await _kit.RawAsync(HttpMethod.Post, Messages, Body("x"), authorize: false);
        Assert.Equal(401, status);
        Assert.Equal("401: Unauthorized", body!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("curl/8.0")]
    [InlineData("DiscordBot")]
    public async Task Without_the_documented_user_agent_it_refuses(string? userAgent)
    {
        var (status, _, _) = await _kit.RawAsync(HttpMethod.Post, Messages, Body("x"), userAgent: userAgent);
        Assert.Equal(400, status);
        Assert.Empty(_kit.Discord.Messages);
    }

    [Fact]
    public async Task Content_over_2000_is_the_documented_50035()
    {
        var (status, body, _) = await _kit.RawAsync(HttpMethod.Post, Messages, Body(new string('x', 2001)));

        Assert.Equal(400, status);
        Assert.Equal(50035, body!["code"]!.GetValue<int>());
        Assert.Equal("Invalid Form Body", body["message"]!.GetValue<string>());
        Assert.Equal("BASE_TYPE_MAX_LENGTH", Errors(body, "content")[0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Exactly_2000_characters_are_accepted()
    {
        var (status, _, _) = await _kit.RawAsync(HttpMethod.Post, Messages, Body(new string('x', 2000)));
        Assert.Equal(200, status);
    }

    [Theory]
    [InlineData("description", 4097)]
    [InlineData("title", 257)]
    public async Task Embed_texts_over_their_limits_are_refused(string field, int length)
    {
        var message = Body("x");
        message["embeds"] = new JsonArray(new JsonObject { [field] = new string('d', length) });
        var (status, body, _) = await _kit.RawAsync(HttpMethod.Post, Messages, message);
        Assert.Equal(400, status);
        Assert.Equal("BASE_TYPE_MAX_LENGTH", Errors(body, "embeds", "0", field)[0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embeds_over_6000_characters_together_or_more_than_10_are_refused()
    {
        var big = Body("x");
        big["embeds"] = new JsonArray(Enumerable.Range(0, 2).Select(_ => (JsonNode)new JsonObject { ["description"] = new string('d', 3001) }).ToArray());
        var many = Body("x");
        many["embeds"] = new JsonArray(Enumerable.Range(0, 11).Select(_ => (JsonNode)new JsonObject { ["title"] = "t" }).ToArray());

        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, big)).Status);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, many)).Status);
        Assert.Empty(_kit.Discord.Messages);
    }

    [Fact]
    public async Task Field_over_1024_or_more_than_25_fields_are_refused()
    {
        var longField = Body("x");
        longField["embeds"] = new JsonArray(new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["name"] = "n", ["value"] = new string('v', 1025) }) });
        var manyFields = Body("x");
        manyFields["embeds"] = new JsonArray(new JsonObject
        {
            ["fields"] = new JsonArray(Enumerable.Range(0, 26).Select(i => (JsonNode)new JsonObject { ["name"] = $"n{i}", ["value"] = "v" }).ToArray()),
        });

        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, longField)).Status);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, manyFields)).Status);
    }

    [Fact]
    public async Task Components_are_checked_rows_buttons_and_unique_custom_ids()
    {
        static JsonObject Button(string id) => new() { ["type"] = 2, ["style"] = 1, ["label"] = "b", ["custom_id"] = id };
        var tooManyButtons = Body("x");
        tooManyButtons["components"] = new JsonArray(new JsonObject { ["type"] = 1, ["components"] = new JsonArray(Enumerable.Range(0, 6).Select(i => (JsonNode)Button($"b{i}")).ToArray()) });
        var duplicate = Body("x");
        duplicate["components"] = new JsonArray(new JsonObject { ["type"] = 1, ["components"] = new JsonArray(Button("same"), Button("same")) });
        var longId = Body("x");
        longId["components"] = new JsonArray(new JsonObject { ["type"] = 1, ["components"] = new JsonArray(Button(new string('i', 101))) });
        var legacy = (JsonObject)DiscordApiTestKit.Fixture("message_legacy_button.json");
        legacy["allowed_mentions"] = Suppressed();

        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, tooManyButtons)).Status);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, duplicate)).Status);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, longId)).Status);
        Assert.Equal(200, (await _kit.RawAsync(HttpMethod.Post, Messages, legacy)).Status);
    }

    [Fact]
    public async Task Documented_parse_users_with_a_users_list_is_a_validation_error()
    {
        var invalid = (JsonObject)DiscordApiTestKit.Fixture("allowed_mentions_invalid_parse_and_users.json");
        await using var lenient = await DiscordApiTestKit.StartAsync(fake: new FakeDiscordOptions { RequireSuppressedMentions = false });

        var (status, body, _) = await lenient.RawAsync(HttpMethod.Post, Messages, invalid);

        Assert.Equal(400, status);
        Assert.Equal("MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", Errors(body, "allowed_mentions", "users")[0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Documented_suppress_all_is_accepted_and_a_message_that_would_ping_is_refused_by_the_strict_fake()
    {
        var suppressed = (JsonObject)DiscordApiTestKit.Fixture("allowed_mentions_suppress_all.json");
        var pinging = new JsonObject { ["content"] = "@everyone hello" };
        var parseEveryone = new JsonObject { ["content"] = "@everyone", ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray("everyone") } };

        Assert.Equal(200, (await _kit.RawAsync(HttpMethod.Post, Messages, suppressed)).Status);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, pinging)).Status);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, parseEveryone)).Status);
    }

    [Fact]
    public async Task Empty_message_is_50006_and_ephemeral_flag_is_refused_on_a_channel_message()
    {
        var empty = new JsonObject { ["allowed_mentions"] = Suppressed() };
        var ephemeral = Body("x");
        ephemeral["flags"] = 64;

        var (status, body, _) = await _kit.RawAsync(HttpMethod.Post, Messages, empty);
        Assert.Equal(400, status);
        Assert.Equal(50006, body!["code"]!.GetValue<int>());
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, ephemeral)).Status);
    }

    [Fact]
    public async Task Nonce_over_25_characters_is_refused()
    {
        var message = Body("x");
        message["nonce"] = new string('n', 26);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Post, Messages, message)).Status);
    }

    [Fact]
    public async Task Enforced_nonce_returns_the_first_message_within_the_window_and_not_after_it()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(clock: clock);
        JsonObject WithNonce(string content, bool enforce)
        {
            var message = Body(content);
            message["nonce"] = "same-nonce";
            message["enforce_nonce"] = enforce;
            return message;
        }

        var first = (await kit.RawAsync(HttpMethod.Post, Messages, WithNonce("first", true))).Body!;
        var repeat = (await kit.RawAsync(HttpMethod.Post, Messages, WithNonce("second", true))).Body!;
        var notEnforced = (await kit.RawAsync(HttpMethod.Post, Messages, WithNonce("third", false))).Body!;
        clock.Advance(TimeSpan.FromMinutes(6));
        var later = (await kit.RawAsync(HttpMethod.Post, Messages, WithNonce("fourth", true))).Body!;

        Assert.Equal(first["id"]!.GetValue<string>(), repeat["id"]!.GetValue<string>());
        Assert.Equal("first", repeat["content"]!.GetValue<string>());
        Assert.NotEqual(first["id"]!.GetValue<string>(), notEnforced["id"]!.GetValue<string>());
        Assert.NotEqual(first["id"]!.GetValue<string>(), later["id"]!.GetValue<string>());
        Assert.Equal(["first", "third", "fourth"], kit.Discord.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task Every_answer_carries_rate_limit_headers_and_an_exhausted_bucket_answers_the_documented_429()
    {
        _kit.Discord.SetBucket(FakeDiscordRoutes.GatewayBot, 1, TimeSpan.FromSeconds(30));

        var ok = await _kit.RawAsync(HttpMethod.Get, "gateway/bot", null);
        var limited = await _kit.RawAsync(HttpMethod.Get, "gateway/bot", null);

        var headers = ok.Response.Headers;
        Assert.Equal("1", headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("0", headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Matches("^[0-9a-f]{32}$", headers.GetValues("X-RateLimit-Bucket").Single());
        Assert.InRange(double.Parse(headers.GetValues("X-RateLimit-Reset-After").Single(), CultureInfo.InvariantCulture), 29, 30);
        Assert.True(double.Parse(headers.GetValues("X-RateLimit-Reset").Single(), CultureInfo.InvariantCulture) > 1.7e9);

        Assert.Equal(429, limited.Status);
        Assert.Equal("user", limited.Response.Headers.GetValues("X-RateLimit-Scope").Single());
        Assert.False(limited.Response.Headers.Contains("X-RateLimit-Global"));
        Assert.NotNull(limited.Response.Headers.RetryAfter);
        Assert.Equal("You are being rate limited.", limited.Body!["message"]!.GetValue<string>());
        Assert.False(limited.Body["global"]!.GetValue<bool>());
        Assert.InRange(limited.Body["retry_after"]!.GetValue<double>(), 29, 30);
    }

    [Fact]
    public async Task Global_429_on_demand_has_the_global_header_and_body()
    {
        _kit.Discord.RateLimitGloballyNext(1, TimeSpan.FromSeconds(64.57));

        var limited = await _kit.RawAsync(HttpMethod.Get, $"guilds/{DiscordApiTestKit.Guild}", null);

        Assert.Equal(429, limited.Status);
        Assert.Equal("true", limited.Response.Headers.GetValues("X-RateLimit-Global").Single());
        Assert.Equal("global", limited.Response.Headers.GetValues("X-RateLimit-Scope").Single());
        Assert.True(limited.Body!["global"]!.GetValue<bool>());
        Assert.Equal(64.57, limited.Body["retry_after"]!.GetValue<double>());
        Assert.Equal(TimeSpan.FromSeconds(65), limited.Response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Interaction_token_works_for_15_minutes_only()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(clock: clock);
        var token = kit.Discord.MintInteractionToken();
        var path = $"webhooks/{kit.Discord.ApplicationId}/{Uri.EscapeDataString(token)}/messages/@original";

        var inTime = await kit.RawAsync(HttpMethod.Patch, path, Body("ok"), authorize: false);
        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var late = await kit.RawAsync(HttpMethod.Patch, path, Body("late"), authorize: false);
        var unknown = await kit.RawAsync(HttpMethod.Patch, $"webhooks/{kit.Discord.ApplicationId}/nope/messages/@original", Body("x"), authorize: false);

        Assert.Equal(200, inTime.Status);
        Assert.Equal(401, late.Status);
        Assert.Equal(50027, late.Body!["code"]!.GetValue<int>());
        Assert.Equal(404, unknown.Status);
        Assert.Equal(10015, unknown.Body!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Documented_example_command_is_accepted_and_invalid_ones_are_refused()
    {
        var blep = new JsonArray(DiscordApiTestKit.Fixture("command_registration_blep.json"));
        var path = $"applications/{_kit.Discord.ApplicationId}/commands";
        var upperCase = new JsonArray(new JsonObject { ["name"] = "Blep", ["description"] = "d", ["type"] = 1 });
        var requiredAfterOptional = new JsonArray(new JsonObject
        {
            ["name"] = "x", ["description"] = "d", ["type"] = 1,
            ["options"] = new JsonArray(
                new JsonObject { ["name"] = "a", ["description"] = "d", ["type"] = 3, ["required"] = false },
                new JsonObject { ["name"] = "b", ["description"] = "d", ["type"] = 3, ["required"] = true }),
        });
        var longDescription = new JsonArray(new JsonObject { ["name"] = "x", ["description"] = new string('d', 101), ["type"] = 1 });

        Assert.Equal(200, (await _kit.RawAsync(HttpMethod.Put, path, blep)).Status);
        Assert.Equal("blep", _kit.Discord.CommandsOf(null)[0]!["name"]!.GetValue<string>());
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Put, path, upperCase)).Status);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Put, path, requiredAfterOptional)).Status);
        Assert.Equal(400, (await _kit.RawAsync(HttpMethod.Put, path, longDescription)).Status);
    }

    [Fact]
    public async Task Unserved_routes_are_a_loud_404()
    {
        var (status, _, _) = await _kit.RawAsync(HttpMethod.Delete, $"channels/{DiscordApiTestKit.Channel}", null);
        Assert.Equal(404, status);
    }
}
