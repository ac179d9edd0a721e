using System.Net;
using ImproveBot.Slack.Api;
using ImproveBot.Testing.FakeSlack;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>
/// HTTP 429 and transient failures. Waits are checked on the fake clock both sides share (timestamps the fake
/// recorded), never on the wall clock.
/// </summary>
public sealed class SlackApiRetryTests
{
    [Fact]
    public async Task A_429_with_a_short_retry_after_is_retried_after_the_wait_and_succeeds()
    {
        var clock = new FakeTimeProvider(SlackApiTestKit.Start);
        await using var kit = await SlackApiTestKit.StartAsync(clock: clock);
        kit.Slack.AddChannel("C1");
        kit.Slack.RateLimitNext(SlackMethods.ChatPostMessage, 2, TimeSpan.FromSeconds(3));

        var ts = await kit.DriveAsync(kit.Api.PostMessageAsync("C1", "hello", null, null, null, CancellationToken.None));

        Assert.Equal(ts, Assert.Single(kit.Slack.PostedMessages).Ts);
        var calls = kit.Slack.Calls.Where(c => c.Method == SlackMethods.ChatPostMessage).ToArray();
        Assert.Equal([429, 429, 200], calls.Select(c => c.HttpStatus));
        // Each retry came no sooner than Retry-After asked, on the clock the fake and the client share.
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(3), $"second call {calls[1].At - calls[0].At} after the first");
        Assert.True(calls[2].At - calls[1].At >= TimeSpan.FromSeconds(3), $"third call {calls[2].At - calls[1].At} after the second");
    }

    [Fact]
    public async Task A_429_with_a_long_retry_after_throws_rate_limited_with_that_value_at_once()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AddChannel("C1");
        kit.Slack.RateLimitNext(SlackMethods.ChatPostMessage, 1, TimeSpan.FromSeconds(45));

        var ex = await Assert.ThrowsAsync<SlackRateLimitedException>(() => kit.Api.PostMessageAsync("C1", "hello", null, null, null, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(45), ex.RetryAfter);
        Assert.Equal("ratelimited", ex.Error);
        Assert.True(ex.IsTransient);
        Assert.Equal(1, kit.Slack.CallCount(SlackMethods.ChatPostMessage));
        Assert.Empty(kit.Slack.PostedMessages);
    }

    [Fact]
    public async Task More_429s_than_the_client_retries_throw_rate_limited_after_a_bounded_number_of_calls()
    {
        var clock = new FakeTimeProvider(SlackApiTestKit.Start);
        await using var kit = await SlackApiTestKit.StartAsync(SlackApiTestKit.QuickPolicy with { MaxRateLimitRetries = 3 }, clock);
        kit.Slack.RateLimitNext(SlackMethods.AuthTest, 10, TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<SlackRateLimitedException>(() => kit.DriveAsync(kit.Api.AuthTestAsync(CancellationToken.None)));

        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        Assert.Equal(4, kit.Slack.CallCount(SlackMethods.AuthTest)); // the call and 3 retries
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_and_then_succeed()
    {
        var clock = new FakeTimeProvider(SlackApiTestKit.Start);
        await using var kit = await SlackApiTestKit.StartAsync(
            SlackApiTestKit.QuickPolicy with { TransientBaseDelay = TimeSpan.FromSeconds(1), TransientMaxDelay = TimeSpan.FromSeconds(8) }, clock);
        kit.Slack.FailNext(SlackMethods.AuthTest, 1, 500);
        kit.Slack.FailNext(SlackMethods.AuthTest, 1, 503);

        var identity = await kit.DriveAsync(kit.Api.AuthTestAsync(CancellationToken.None), TimeSpan.FromMilliseconds(100));

        Assert.Equal(kit.Slack.BotUserId, identity.UserId);
        var calls = kit.Slack.Calls;
        Assert.Equal([500, 503, 200], calls.Select(c => c.HttpStatus));
        // Backoff really waited (jitter may shorten a delay, never to nothing).
        Assert.True(calls[1].At > calls[0].At);
        Assert.True(calls[2].At > calls[1].At);
    }

    [Fact]
    public async Task A_persistent_server_error_throws_http_request_exception_after_bounded_retries()
    {
        await using var kit = await SlackApiTestKit.StartAsync(SlackApiTestKit.QuickPolicy with { MaxTransientRetries = 3 });
        kit.Slack.AddUser(new FakeSlackUser("U1", "ada", "UTC"));
        kit.Slack.FailNext(SlackMethods.ConversationsOpen, 10, 502);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => kit.Api.OpenDirectMessageAsync("U1", CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal(4, kit.Slack.CallCount(SlackMethods.ConversationsOpen));
    }

    [Fact]
    public async Task A_server_error_on_chat_post_message_is_left_to_the_caller_since_slack_may_have_posted_it()
    {
        await using var kit = await SlackApiTestKit.StartAsync(SlackApiTestKit.QuickPolicy with { MaxTransientRetries = 3 });
        kit.Slack.AddChannel("C1");
        kit.Slack.FailNext(SlackMethods.ChatPostMessage, 10, 502);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => kit.Api.PostMessageAsync("C1", "hello", null, null, null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal(1, kit.Slack.CallCount(SlackMethods.ChatPostMessage));
    }

    [Fact]
    public async Task A_hung_attempt_times_out_and_is_retried()
    {
        // Generous next to a local round trip, so only the hung attempt can time out, however busy the machine.
        await using var kit = await SlackApiTestKit.StartAsync(SlackApiTestKit.QuickPolicy with { AttemptTimeout = TimeSpan.FromSeconds(1) });
        kit.Slack.DelayNext(SlackMethods.AuthTest, 1, TimeSpan.FromSeconds(60));

        var identity = await kit.Api.AuthTestAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(kit.Slack.BotUserId, identity.UserId);
        Assert.True(kit.Slack.CallCount(SlackMethods.AuthTest) >= 2);
    }

    [Fact]
    public async Task An_attempt_that_always_hangs_ends_in_a_timeout_not_a_hang()
    {
        await using var kit = await SlackApiTestKit.StartAsync(
            SlackApiTestKit.QuickPolicy with { AttemptTimeout = TimeSpan.FromMilliseconds(200), MaxTransientRetries = 1 });
        kit.Slack.DelayNext(SlackMethods.AuthTest, 5, TimeSpan.FromSeconds(60));

        var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => kit.Api.AuthTestAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task Cancelling_the_caller_stops_the_retries()
    {
        var clock = new FakeTimeProvider(SlackApiTestKit.Start);
        await using var kit = await SlackApiTestKit.StartAsync(SlackApiTestKit.QuickPolicy with { TransientBaseDelay = TimeSpan.FromSeconds(5) }, clock);
        kit.Slack.FailNext(SlackMethods.AuthTest, 10, 500);
        using var cts = new CancellationTokenSource();

        var call = kit.Api.AuthTestAsync(cts.Token);
        // The fake clock stands still, so the client sits in its first backoff delay until cancelled.
        await SlackApiTestKit.EventuallyAsync(() => kit.Slack.Calls.Count == 1, "the first attempt");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, kit.Slack.CallCount(SlackMethods.AuthTest));
    }

    [Fact]
    public async Task A_429_on_a_response_url_is_retried_too()
    {
        var clock = new FakeTimeProvider(SlackApiTestKit.Start);
        await using var kit = await SlackApiTestKit.StartAsync(clock: clock);
        var responseUrl = kit.Slack.MintResponseUrl();
        kit.Slack.RateLimitNext(FakeSlackServer.ResponseUrlMethod, 1, TimeSpan.FromSeconds(1));

        await kit.DriveAsync(kit.Api.RespondAsync(responseUrl, new System.Text.Json.Nodes.JsonObject { ["text"] = "ok" }, CancellationToken.None));

        Assert.Single(kit.Slack.ResponseUrlPosts);
        Assert.Equal(2, kit.Slack.CallCount(FakeSlackServer.ResponseUrlMethod));
    }
}
