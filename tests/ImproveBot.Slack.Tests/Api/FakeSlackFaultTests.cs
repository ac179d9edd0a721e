using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Testing.Faults;
using ImproveBot.Testing.FakeSlack;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>
/// The fake Slack's random faults, seen from a plain HTTP client: each kind looks on the wire as it should, and the
/// "applied" ones really carry the call out (the message is posted) before the answer fails.
/// </summary>
public sealed class FakeSlackFaultTests
{
    private static FaultOptions Always(FaultKinds kind, double applied = 1) => new()
    {
        Rate = 1, Kinds = kind, AppliedShare = applied, RetryAfter = TimeSpan.FromSeconds(2), Hold = TimeSpan.FromSeconds(20),
        Methods = ["chat.postMessage"],
    };

    private static async Task<(FakeSlackServer Slack, HttpClient Http)> StartAsync(FaultOptions faults)
    {
        var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { Faults = faults });
        slack.AddChannel("C1");
        // A fresh connection per request: a reused one would let HttpClient resend a request cut off by a reset itself.
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(2) };
        return (slack, http);
    }

    private static Task<HttpResponseMessage> PostAsync(FakeSlackServer slack, HttpClient http, string key = "prompt:1:1")
    {
        var body = new JsonObject
        {
            ["channel"] = "C1",
            ["text"] = "hello",
            ["metadata"] = new JsonObject { ["event_type"] = "improvebot_outbox", ["event_payload"] = new JsonObject { ["key"] = key, ["part"] = 0 } },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(slack.ApiBaseUrl, "chat.postMessage"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", slack.BotToken);
        request.Headers.ConnectionClose = true;
        return http.SendAsync(request);
    }

    [Fact]
    public void The_same_seed_gives_the_same_faults_and_the_rate_is_roughly_kept()
    {
        var options = new FaultOptions { Rate = 0.2, Seed = 7 };
        var a = new FaultInjector(options);
        var b = new FaultInjector(options);
        var first = Enumerable.Range(0, 2000).Select(_ => a.Next("chat.postMessage")).ToList();
        var second = Enumerable.Range(0, 2000).Select(_ => b.Next("chat.postMessage")).ToList();

        Assert.Equal(first, second);
        var faulted = first.Count(d => d is not null);
        Assert.InRange(faulted, 300, 500); // 20 % of 2,000, with room for chance
        Assert.Equal(faulted, a.InjectedCount);
        // Every kind occurs, and a 429 is never carried out.
        Assert.Equal(5, first.OfType<FaultDecision>().Select(d => d.Kind).Distinct().Count());
        Assert.DoesNotContain(first, d => d is { Kind: FaultKinds.RateLimit, Apply: true });
        Assert.All(first.OfType<FaultDecision>().Where(d => d.Kind == FaultKinds.ServerError), d => Assert.Contains(d.Status, new[] { 500, 502, 503 }));
    }

    [Fact]
    public void Methods_not_listed_are_never_faulted_and_a_zero_rate_never_faults()
    {
        var only = new FaultInjector(new FaultOptions { Rate = 1, Methods = ["chat.postMessage"] });
        Assert.Null(only.Next("conversations.open"));
        Assert.NotNull(only.Next("chat.postMessage"));
        var none = new FaultInjector(new FaultOptions { Rate = 0 });
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Null(none.Next("chat.postMessage")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjector(new FaultOptions { Rate = 1.5 }));
        Assert.Equal(FaultKinds.RateLimit | FaultKinds.HalfWritten, FaultOptions.ParseKinds("429, half"));
    }

    [Fact]
    public async Task A_rate_limit_is_slacks_429_with_retry_after_and_posts_nothing()
    {
        var (slack, http) = await StartAsync(Always(FaultKinds.RateLimit));
        await using var _ = slack;
        using var __ = http;

        using var answer = await PostAsync(slack, http);

        Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), answer.Headers.RetryAfter?.Delta);
        Assert.Equal("ratelimited", JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Empty(slack.PostedMessages);
        Assert.Equal(1, slack.PostAttemptsByKey["prompt:1:1#0"]);
    }

    [Fact]
    public async Task A_server_error_after_the_work_posts_the_message_and_answers_5xx()
    {
        var (slack, http) = await StartAsync(Always(FaultKinds.ServerError));
        await using var _ = slack;
        using var __ = http;

        using var answer = await PostAsync(slack, http);

        Assert.Contains((int)answer.StatusCode, new[] { 500, 502, 503 });
        Assert.Single(slack.PostedMessages);
        Assert.Equal(1, slack.Faults!.Injected["5xx_applied"]);
    }

    [Fact]
    public async Task A_server_error_before_the_work_posts_nothing()
    {
        var (slack, http) = await StartAsync(Always(FaultKinds.ServerError, applied: 0));
        await using var _ = slack;
        using var __ = http;

        using var answer = await PostAsync(slack, http);

        Assert.Contains((int)answer.StatusCode, new[] { 500, 502, 503 });
        Assert.Empty(slack.PostedMessages);
    }

    [Fact]
    public async Task A_reset_after_the_work_posts_the_message_and_the_client_gets_no_answer()
    {
        var (slack, http) = await StartAsync(Always(FaultKinds.ConnectionReset));
        await using var _ = slack;
        using var __ = http;

        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(slack, http));

        Assert.Single(slack.PostedMessages);
    }

    [Fact]
    public async Task A_half_written_answer_posts_the_message_and_the_client_cannot_read_the_body()
    {
        var (slack, http) = await StartAsync(Always(FaultKinds.HalfWritten));
        await using var _ = slack;
        using var __ = http;

        // HttpClient buffers the body by default: a cut body fails the send itself.
        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(slack, http));

        Assert.Single(slack.PostedMessages);
    }

    [Fact]
    public async Task A_timeout_holds_the_answer_past_the_clients_patience()
    {
        var (slack, http) = await StartAsync(Always(FaultKinds.Timeout));
        await using var _ = slack;
        using var __ = http;

        await Assert.ThrowsAsync<TaskCanceledException>(() => PostAsync(slack, http)); // the client's 2 s, against a 20 s hold

        Assert.Single(slack.PostedMessages);
        await SlackApiTestKit.EventuallyAsync(() => slack.Calls.Any(c => c.HttpStatus == 499), "the fake saw the client give up");
    }
}
