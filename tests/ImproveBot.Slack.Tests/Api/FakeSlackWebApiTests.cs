using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Testing.FakeSlack;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>The fake's Web API seen over raw HTTP: it must answer the way the protocol reference says Slack does.</summary>
public sealed class FakeSlackWebApiTests : IAsyncLifetime
{
    private FakeSlackServer _slack = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        _http = new HttpClient { BaseAddress = _slack.ApiBaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task An_unknown_method_answers_unknown_method_with_http_200()
    {
        var (status, body) = await PostJsonAsync("chat.unfurlEverything", "{}", _slack.BotToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body["ok"]!.GetValue<bool>());
        Assert.Equal("unknown_method", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_without_a_charset_gets_the_missing_charset_warning()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "auth.test") { Content = new StringContent("{}") };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _slack.BotToken);

        using var response = await _http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(body["ok"]!.GetValue<bool>());
        Assert.Equal("missing_charset", body["warning"]!.GetValue<string>());
        Assert.Equal("missing_charset", body["response_metadata"]!["warnings"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Tokens_are_checked_like_slack_with_http_200()
    {
        var missing = await PostJsonAsync("auth.test", "{}", token: null);
        var wrong = await PostJsonAsync("auth.test", "{}", "xoxb-wrong");
        var appTokenOnBotMethod = await PostJsonAsync("auth.test", "{}", _slack.AppToken);
        var botTokenOnSocketMode = await PostJsonAsync("apps.connections.open", "{}", _slack.BotToken);

        Assert.All(new[] { missing, wrong, appTokenOnBotMethod, botTokenOnSocketMode }, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal("not_authed", missing.Body["error"]!.GetValue<string>());
        Assert.Equal("invalid_auth", wrong.Body["error"]!.GetValue<string>());
        Assert.Equal("not_allowed_token_type", appTokenOnBotMethod.Body["error"]!.GetValue<string>());
        Assert.Equal("not_allowed_token_type", botTokenOnSocketMode.Body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_rate_limited_call_gets_429_retry_after_and_the_ratelimited_body()
    {
        _slack.RateLimitNext("auth.test", 1, TimeSpan.FromSeconds(1.2));

        using var request = new HttpRequestMessage(HttpMethod.Post, "auth.test") { Content = JsonContent("{}") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _slack.BotToken);
        using var response = await _http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter!.Delta); // whole seconds, rounded up
        Assert.Equal(SlackApiTestKit.Fixture("web_api_429_ratelimited_body.json").ToJsonString(), body.ToJsonString());
    }

    [Fact]
    public async Task Post_message_takes_form_arguments_with_blocks_as_a_json_string()
    {
        _slack.AddChannel("C1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat.postMessage")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["channel"] = "C1",
                ["text"] = "fallback",
                ["blocks"] = """[{"type":"section","text":{"type":"plain_text","text":"hi"}}]""",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _slack.BotToken);

        using var response = await _http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(body["ok"]!.GetValue<bool>());
        Assert.Equal("hi", Assert.Single(_slack.PostedMessages).Blocks![0]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_message_with_neither_text_nor_blocks_is_refused_with_no_text()
    {
        _slack.AddChannel("C1");

        var (_, body) = await PostJsonAsync("chat.postMessage", """{"channel":"C1"}""", _slack.BotToken);

        Assert.Equal("no_text", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_modal_over_slacks_limits_is_refused_with_messages()
    {
        var trigger = _slack.MintTriggerId();
        var view = new JsonObject
        {
            ["type"] = "modal",
            ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "A title far longer than twenty-four characters" },
            ["blocks"] = new JsonArray(new JsonObject
            {
                ["type"] = "input",
                ["label"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Q" },
                ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "a" },
            }),
        };

        var (_, body) = await PostJsonAsync("views.open", new JsonObject { ["trigger_id"] = trigger, ["view"] = view }.ToJsonString(), _slack.BotToken);

        Assert.Equal("invalid_arguments", body["error"]!.GetValue<string>());
        var messages = body["response_metadata"]!["messages"]!.AsArray().Select(m => m!.GetValue<string>()).ToArray();
        Assert.Contains(messages, m => m.Contains("/view/title/text", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("/view/submit", StringComparison.Ordinal));
        Assert.Empty(_slack.OpenedViews);
    }

    [Fact]
    public async Task Unparseable_json_is_refused_with_invalid_json()
    {
        var (_, body) = await PostJsonAsync("auth.test", "{not json", _slack.BotToken);

        Assert.Equal("invalid_json", body["error"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostJsonAsync(string method, string json, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = JsonContent(json) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");
}
