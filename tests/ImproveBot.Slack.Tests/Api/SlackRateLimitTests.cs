using ImproveBot.Slack.Api;
using ImproveBot.Testing.FakeSlack;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>
/// Client-side limits. Windows are either long (a minute or more, so "it queues" cannot flip on a slow machine)
/// or the test only waits for the outcome, never for a duration.
/// </summary>
public sealed class SlackRateLimitTests
{
    [Fact]
    public async Task A_second_apps_connections_open_within_a_minute_queues_until_a_permit_frees()
    {
        // The production tiers: apps.connections.open is tier 1, one a minute.
        await using var kit = await SlackApiTestKit.StartAsync(SlackApiTestKit.QuickPolicy with { MethodLimits = SlackApiPolicy.DefaultMethodLimits });
        await kit.Api.OpenSocketConnectionAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var second = kit.Api.OpenSocketConnectionAsync(cts.Token);

        Assert.False(second.IsCompleted);
        Assert.Equal(1, kit.Limits.QueuedCount(SlackMethods.AppsConnectionsOpen));
        Assert.Equal(1, kit.Slack.CallCount(SlackMethods.AppsConnectionsOpen));
        // Waiting for the permit honours cancellation, and nothing was sent meanwhile.
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, kit.Limits.QueuedCount(SlackMethods.AppsConnectionsOpen));
        Assert.Equal(1, kit.Slack.CallCount(SlackMethods.AppsConnectionsOpen));
    }

    [Fact]
    public async Task A_queued_call_goes_out_once_the_window_has_passed()
    {
        var policy = SlackApiTestKit.QuickPolicy with
        {
            MethodLimits = new Dictionary<string, SlackRateLimit> { [SlackMethods.AppsConnectionsOpen] = new(1, TimeSpan.FromMilliseconds(600)) },
        };
        await using var kit = await SlackApiTestKit.StartAsync(policy);
        await kit.Api.OpenSocketConnectionAsync(CancellationToken.None);

        var url = await kit.Api.OpenSocketConnectionAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("ws", url.Scheme);
        Assert.Equal(2, kit.Slack.CallCount(SlackMethods.AppsConnectionsOpen));
    }

    [Fact]
    public async Task A_permit_that_would_take_longer_than_the_bound_throws_rate_limited()
    {
        var policy = SlackApiTestKit.QuickPolicy with
        {
            MethodLimits = SlackApiPolicy.DefaultMethodLimits,
            MaxPermitWait = TimeSpan.FromMilliseconds(100),
        };
        await using var kit = await SlackApiTestKit.StartAsync(policy);
        await kit.Api.OpenSocketConnectionAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<SlackRateLimitedException>(() => kit.Api.OpenSocketConnectionAsync(CancellationToken.None));

        Assert.Equal(SlackMethods.AppsConnectionsOpen, ex.Method);
        Assert.True(ex.RetryAfter > TimeSpan.Zero);
        Assert.Equal(1, kit.Slack.CallCount(SlackMethods.AppsConnectionsOpen));
    }

    [Fact]
    public async Task Post_message_is_limited_per_channel_so_one_busy_channel_does_not_hold_up_another()
    {
        var policy = SlackApiTestKit.QuickPolicy with { PostMessagePerChannel = new SlackRateLimit(2, TimeSpan.FromMinutes(10)) };
        await using var kit = await SlackApiTestKit.StartAsync(policy);
        kit.Slack.AddChannel("C1").AddChannel("C2");
        await kit.Api.PostMessageAsync("C1", "one", null, null, null, CancellationToken.None);
        await kit.Api.PostMessageAsync("C1", "two", null, null, null, CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var third = kit.Api.PostMessageAsync("C1", "three", null, null, null, cts.Token);
        await kit.Api.PostMessageAsync("C2", "elsewhere", null, null, null, CancellationToken.None);

        Assert.False(third.IsCompleted);
        Assert.Equal(1, kit.Limits.QueuedCount(SlackMethods.ChatPostMessage, "C1"));
        Assert.Equal(["one", "two"], kit.Slack.MessagesIn("C1").Select(m => m.Text));
        Assert.Single(kit.Slack.MessagesIn("C2"));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void The_default_tiers_match_slacks_documentation()
    {
        var limits = SlackApiPolicy.DefaultMethodLimits;

        Assert.Equal(SlackRateLimit.PerMinute(1), limits[SlackMethods.AppsConnectionsOpen]);
        Assert.Equal(SlackRateLimit.PerMinute(50), limits[SlackMethods.ConversationsOpen]);
        Assert.Equal(SlackRateLimit.PerMinute(100), limits[SlackMethods.UsersInfo]);
        Assert.Equal(SlackRateLimit.PerMinute(100), limits[SlackMethods.ViewsOpen]);
        Assert.Equal(TimeSpan.FromSeconds(1), new SlackApiPolicy().PostMessagePerChannel.Interval);
    }
}
