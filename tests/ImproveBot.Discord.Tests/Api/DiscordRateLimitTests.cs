using ImproveBot.Discord.Api;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Api;

/// <summary>Per-route buckets learned from <c>X-RateLimit-*</c>: no limit is hard-coded, the answers say when to wait.</summary>
public sealed class DiscordRateLimitTests
{
    [Fact]
    public async Task Bucket_and_remaining_are_learned_from_the_headers()
    {
        await using var kit = await DiscordApiTestKit.StartAsync();
        kit.Discord.SetBucket(FakeDiscordRoutes.CreateMessage, 5, TimeSpan.FromSeconds(5));

        await kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("1"), null, CancellationToken.None);
        await kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("2"), null, CancellationToken.None);

        var route = DiscordRoutes.CreateMessage(DiscordApiTestKit.Channel);
        Assert.Equal(3, kit.Limits.RemainingFor(route));
        Assert.Matches("^[0-9a-f]{32}$", kit.Limits.BucketOf(route));
    }

    [Fact]
    public async Task An_exhausted_bucket_waits_for_its_reset_instead_of_earning_a_429()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(clock: clock);
        kit.Discord.SetBucket(FakeDiscordRoutes.CreateMessage, 2, TimeSpan.FromSeconds(10));

        for (var i = 0; i < 3; i++)
            await kit.DriveAsync(kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message($"m{i}"), null, CancellationToken.None));

        var calls = kit.Discord.Calls;
        Assert.Equal([200, 200, 200], calls.Select(c => c.HttpStatus));
        Assert.True(calls[2].At - calls[0].At >= TimeSpan.FromSeconds(10), $"third call {calls[2].At - calls[0].At} after the first");
        Assert.Equal(3, kit.Discord.Messages.Count);
    }

    [Fact]
    public async Task Buckets_are_per_major_parameter_so_another_channel_does_not_wait()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(clock: clock);
        kit.Discord.SetBucket(FakeDiscordRoutes.CreateMessage, 1, TimeSpan.FromSeconds(60));

        await kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("a"), null, CancellationToken.None);
        // The clock does not move: a wait here would never end on its own.
        await kit.Api.CreateMessageAsync(DiscordApiTestKit.OtherChannel, DiscordApiTestKit.Message("b"), null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, kit.Discord.Messages.Count);
        Assert.Equal(0, kit.Limits.RemainingFor(DiscordRoutes.CreateMessage(DiscordApiTestKit.Channel)));
    }

    [Fact]
    public async Task A_bucket_that_resets_later_than_the_client_waits_is_handed_back_without_a_request()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(DiscordApiTestKit.QuickPolicy with { MaxInClientRetryAfter = TimeSpan.FromSeconds(5) }, clock);
        kit.Discord.SetBucket(FakeDiscordRoutes.CreateMessage, 1, TimeSpan.FromSeconds(60));
        await kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("a"), null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<DiscordRateLimitedException>(() =>
            kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("b"), null, CancellationToken.None));

        Assert.InRange(ex.RetryAfter, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(60));
        Assert.Equal(1, kit.Discord.CallCount(FakeDiscordRoutes.CreateMessage));
    }

    [Fact]
    public async Task A_route_429_closes_its_bucket_for_the_next_request_too()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(DiscordApiTestKit.QuickPolicy with { MaxRateLimitRetries = 0 }, clock);
        kit.Discord.RateLimitNext(FakeDiscordRoutes.CreateMessage, 1, TimeSpan.FromSeconds(45));

        await Assert.ThrowsAsync<DiscordRateLimitedException>(() =>
            kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("a"), null, CancellationToken.None));
        var next = await Assert.ThrowsAsync<DiscordRateLimitedException>(() =>
            kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("b"), null, CancellationToken.None));

        Assert.InRange(next.RetryAfter, TimeSpan.FromSeconds(44), TimeSpan.FromSeconds(45));
        Assert.Equal(1, kit.Discord.CallCount(FakeDiscordRoutes.CreateMessage));
    }

    [Theory]
    [InlineData("1.337", 1337)]
    [InlineData("0", 0)]
    [InlineData("64.57", 64570)]
    public void Fractional_seconds_are_read_exactly(string header, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DiscordRateLimits.Seconds(header));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("1e400")]
    public void Unreadable_seconds_are_ignored(string? header)
    {
        Assert.Null(DiscordRateLimits.Seconds(header));
    }
}
