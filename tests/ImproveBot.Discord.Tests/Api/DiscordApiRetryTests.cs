using System.Net;
using ImproveBot.Discord.Api;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Api;

/// <summary>
/// HTTP 429 and transient failures. Waits are checked on the fake clock both sides share (timestamps the fake recorded),
/// never on the wall clock.
/// </summary>
public sealed class DiscordApiRetryTests
{
    [Fact]
    public async Task A_route_429_with_a_short_retry_after_is_retried_after_the_wait_and_succeeds()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(clock: clock);
        kit.Discord.RateLimitNext(FakeDiscordRoutes.CreateMessage, 2, TimeSpan.FromSeconds(3));

        var id = await kit.DriveAsync(kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("hi"), "n1", CancellationToken.None));

        Assert.Equal(id, Assert.Single(kit.Discord.Messages).Id);
        var calls = kit.Discord.Calls.Where(c => c.Route == FakeDiscordRoutes.CreateMessage).ToArray();
        Assert.Equal([429, 429, 200], calls.Select(c => c.HttpStatus));
        // Each retry came no sooner than retry_after asked, on the clock the fake and the client share.
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(3), $"second call {calls[1].At - calls[0].At} after the first");
        Assert.True(calls[2].At - calls[1].At >= TimeSpan.FromSeconds(3), $"third call {calls[2].At - calls[1].At} after the second");
    }

    [Fact]
    public async Task A_429_with_a_long_retry_after_throws_rate_limited_with_that_value_at_once()
    {
        await using var kit = await DiscordApiTestKit.StartAsync();
        kit.Discord.RateLimitNext(FakeDiscordRoutes.CreateMessage, 1, TimeSpan.FromSeconds(64.57));

        var ex = await Assert.ThrowsAsync<DiscordRateLimitedException>(() =>
            kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("hi"), null, CancellationToken.None));

        Assert.Equal(TimeSpan.FromMilliseconds(64570), ex.RetryAfter); // the body's fractional retry_after, not the rounded header
        Assert.False(ex.IsGlobal);
        Assert.Equal("user", ex.Scope);
        Assert.True(ex.IsTransient);
        Assert.Equal(1, kit.Discord.CallCount(FakeDiscordRoutes.CreateMessage));
        Assert.Empty(kit.Discord.Messages);
    }

    [Fact]
    public async Task A_shared_scope_429_is_reported_with_its_scope()
    {
        await using var kit = await DiscordApiTestKit.StartAsync();
        kit.Discord.RateLimitNext(FakeDiscordRoutes.CreateMessage, 1, TimeSpan.FromSeconds(1336.57), scope: "shared");

        var ex = await Assert.ThrowsAsync<DiscordRateLimitedException>(() =>
            kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("hi"), null, CancellationToken.None));

        Assert.Equal("shared", ex.Scope);
        Assert.Equal(TimeSpan.FromMilliseconds(1336570), ex.RetryAfter);
    }

    [Fact]
    public async Task A_global_429_holds_back_every_bot_route_until_it_passes_but_not_interaction_webhooks()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(DiscordApiTestKit.QuickPolicy with { MaxRateLimitRetries = 0 }, clock);
        kit.Discord.RateLimitGloballyNext(1, TimeSpan.FromSeconds(64.57));

        var first = await Assert.ThrowsAsync<DiscordRateLimitedException>(() => kit.Api.GetGatewayBotAsync(CancellationToken.None));
        // Another route, no request: the client knows the whole bot must wait.
        var second = await Assert.ThrowsAsync<DiscordRateLimitedException>(() => kit.Api.GetGuildAsync(DiscordApiTestKit.Guild, CancellationToken.None));
        // Interaction webhooks are exempt from the global limit.
        await kit.Api.EditOriginalResponseAsync(kit.Discord.MintInteractionToken(), DiscordApiTestKit.Message("ok"), CancellationToken.None);

        Assert.True(first.IsGlobal);
        Assert.Equal("global", first.Scope);
        Assert.True(second.IsGlobal);
        Assert.Equal(0, kit.Discord.CallCount(FakeDiscordRoutes.Guild));
        Assert.Single(kit.Discord.WebhookEdits);

        clock.Advance(TimeSpan.FromSeconds(65));
        Assert.Equal("Vision Lab", (await kit.Api.GetGuildAsync(DiscordApiTestKit.Guild, CancellationToken.None)).Name);
    }

    [Fact]
    public async Task A_short_global_429_is_slept_through()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(clock: clock);
        kit.Discord.RateLimitGloballyNext(1, TimeSpan.FromSeconds(2));

        var gateway = await kit.DriveAsync(kit.Api.GetGatewayBotAsync(CancellationToken.None));

        Assert.NotNull(gateway.Url);
        var calls = kit.Discord.Calls;
        Assert.Equal([429, 200], calls.Select(c => c.HttpStatus));
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task More_429s_than_the_client_retries_throw_rate_limited_after_a_bounded_number_of_calls()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(DiscordApiTestKit.QuickPolicy with { MaxRateLimitRetries = 3 }, clock);
        kit.Discord.RateLimitNext(FakeDiscordRoutes.GatewayBot, 10, TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<DiscordRateLimitedException>(() => kit.DriveAsync(kit.Api.GetGatewayBotAsync(CancellationToken.None)));

        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        Assert.Equal(4, kit.Discord.CallCount(FakeDiscordRoutes.GatewayBot)); // the call and 3 retries
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_and_then_succeed()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(
            DiscordApiTestKit.QuickPolicy with { TransientBaseDelay = TimeSpan.FromSeconds(1), TransientMaxDelay = TimeSpan.FromSeconds(8) }, clock);
        kit.Discord.FailNext(FakeDiscordRoutes.GatewayBot, 1, 500);
        kit.Discord.FailNext(FakeDiscordRoutes.GatewayBot, 1, 503);

        await kit.DriveAsync(kit.Api.GetGatewayBotAsync(CancellationToken.None), TimeSpan.FromMilliseconds(100));

        var calls = kit.Discord.Calls;
        Assert.Equal([500, 503, 200], calls.Select(c => c.HttpStatus));
        // Backoff really waited (jitter may shorten a delay, never to nothing).
        Assert.True(calls[1].At > calls[0].At);
        Assert.True(calls[2].At > calls[1].At);
    }

    [Fact]
    public async Task A_retried_message_send_after_a_lost_answer_is_created_once_thanks_to_the_nonce()
    {
        await using var kit = await DiscordApiTestKit.StartAsync();
        // Discord created the message but the answer was lost (a 502 from the edge): the retry sends the same nonce.
        var first = await kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("prompt"), "prompt-key", CancellationToken.None);
        kit.Discord.FailNext(FakeDiscordRoutes.CreateMessage, 1, 502);

        var again = await kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("prompt"), "prompt-key", CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(kit.Discord.Messages);
    }

    [Fact]
    public async Task A_persistent_server_error_throws_http_request_exception_after_bounded_retries()
    {
        await using var kit = await DiscordApiTestKit.StartAsync(DiscordApiTestKit.QuickPolicy with { MaxTransientRetries = 3 });
        kit.Discord.FailNext(FakeDiscordRoutes.CreateMessage, 10, 502);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() =>
            kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("hi"), null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal(4, kit.Discord.CallCount(FakeDiscordRoutes.CreateMessage));
        Assert.Empty(kit.Discord.Messages);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        await using var kit = await DiscordApiTestKit.StartAsync();
        await Assert.ThrowsAsync<DiscordApiException>(() =>
            kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message(new string('x', 2001)), null, CancellationToken.None));
        Assert.Equal(1, kit.Discord.CallCount(FakeDiscordRoutes.CreateMessage));
    }

    [Fact]
    public async Task A_hung_attempt_times_out_and_is_retried()
    {
        await using var kit = await DiscordApiTestKit.StartAsync(DiscordApiTestKit.QuickPolicy with { AttemptTimeout = TimeSpan.FromSeconds(1) });
        kit.Discord.DelayNext(FakeDiscordRoutes.GatewayBot, 1, TimeSpan.FromSeconds(60));

        var gateway = await kit.Api.GetGatewayBotAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(gateway.Url);
        Assert.True(kit.Discord.CallCount(FakeDiscordRoutes.GatewayBot) >= 2);
    }

    [Fact]
    public async Task An_attempt_that_always_hangs_ends_in_a_timeout_not_a_hang()
    {
        await using var kit = await DiscordApiTestKit.StartAsync(
            DiscordApiTestKit.QuickPolicy with { AttemptTimeout = TimeSpan.FromMilliseconds(200), MaxTransientRetries = 1 });
        kit.Discord.DelayNext(FakeDiscordRoutes.GatewayBot, 5, TimeSpan.FromSeconds(60));

        var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => kit.Api.GetGatewayBotAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task Cancelling_the_caller_stops_the_retries()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(DiscordApiTestKit.QuickPolicy with { TransientBaseDelay = TimeSpan.FromSeconds(5) }, clock);
        kit.Discord.FailNext(FakeDiscordRoutes.GatewayBot, 10, 500);
        using var cts = new CancellationTokenSource();

        var call = kit.Api.GetGatewayBotAsync(cts.Token);
        // The fake clock stands still, so the client sits in its first backoff delay until cancelled.
        await DiscordApiTestKit.EventuallyAsync(() => kit.Discord.Calls.Count == 1, "the first attempt");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, kit.Discord.CallCount(FakeDiscordRoutes.GatewayBot));
    }

    [Fact]
    public async Task A_429_on_the_interaction_webhook_is_retried_too()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(clock: clock);
        kit.Discord.RateLimitNext(FakeDiscordRoutes.EditOriginal, 1, TimeSpan.FromSeconds(1));

        await kit.DriveAsync(kit.Api.EditOriginalResponseAsync(kit.Discord.MintInteractionToken(), DiscordApiTestKit.Message("ok"), CancellationToken.None));

        Assert.Single(kit.Discord.WebhookEdits);
        Assert.Equal(2, kit.Discord.CallCount(FakeDiscordRoutes.EditOriginal));
    }
}
