using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Discord.Api;
using ImproveBot.Discord.Tests.Api;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImproveBot.Discord.Tests;

/// <summary>The outbox's view of Discord: sends through the fake, nonces, DM channels, and what a failure tells the dispatcher.</summary>
public sealed class DiscordChatPlatformTests : IAsyncLifetime
{
    private DiscordApiTestKit _kit = null!;
    private DiscordChatPlatform _platform = null!;

    public async Task InitializeAsync()
    {
        _kit = await DiscordApiTestKit.StartAsync(DiscordApiTestKit.QuickPolicy with { MaxRateLimitRetries = 0 });
        _platform = new DiscordChatPlatform(_kit.Api, _kit.Services.GetRequiredService<IOptions<DiscordOptions>>());
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private static OutboundMessage ToAda(string key, MessageContent content) =>
        new(key, Destination.DirectMessage(new MemberRef("discord", DiscordApiTestKit.Guild, DiscordApiTestKit.Ada.Id)), content);

    [Fact]
    public async Task Prompt_ReminderAndNudge_GoToTheSameDm_OpenedOnce()
    {
        var week = new DateOnly(2026, 11, 27);
        await _platform.SendAsync(ToAda("prompt:1:1", new PromptMessage(1, week, "Ada", ["Q?"])), CancellationToken.None);
        await _platform.SendAsync(ToAda("reminder:1:1", new ReminderMessage(1, week)), CancellationToken.None);
        await _platform.SendAsync(ToAda("timeup:1:1", new TimeUpMessage(1, week)), CancellationToken.None);

        Assert.Equal(1, _kit.Discord.CallCount(FakeDiscordRoutes.CreateDm));
        var dm = _kit.Discord.DirectMessagesTo(DiscordApiTestKit.Ada.Id);
        Assert.Equal(3, dm.Count);
        Assert.All(dm, m => Assert.StartsWith($"{DiscordApiTestKit.Guild}|reflect:", m.CustomIds[0]));
    }

    [Fact]
    public async Task The_outbox_sending_the_same_message_again_creates_it_once()
    {
        var message = ToAda("prompt:1:1", new PromptMessage(1, new DateOnly(2026, 11, 27), "Ada", ["Q?"]));

        await _platform.SendAsync(message, CancellationToken.None);
        await _platform.SendAsync(message, CancellationToken.None);

        Assert.Single(_kit.Discord.DirectMessagesTo(DiscordApiTestKit.Ada.Id));
        Assert.Equal(1, _kit.Discord.NonceHits);
    }

    [Fact]
    public void Nonces_AreAtMost25Characters_StablePerKeyAndPart_AndDifferent()
    {
        var a = DiscordChatPlatform.Nonce("digest:12", 0);
        Assert.Equal(a, DiscordChatPlatform.Nonce("digest:12", 0));
        Assert.NotEqual(a, DiscordChatPlatform.Nonce("digest:12", 1));
        Assert.NotEqual(a, DiscordChatPlatform.Nonce("digest:13", 0));
        Assert.InRange(a.Length, 1, DiscordApiClient.MaxNonceLength);
    }

    [Fact]
    public async Task A_long_digest_goes_to_the_channel_in_parts_each_with_its_own_nonce()
    {
        var start = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(1, 40).Select(i => new DigestIdeaRow(i, $"Idea {i} " + new string('x', 1500), ["t"], IdeaSource.InFlow,
            IdeaVisibility.Team, IdeaStatus.New, "Ada", 0, start.AddDays(1), null)).ToList();
        var digest = DigestBuilder.Build(new DigestInput("Lab", new DateOnly(2026, 11, 20), start, start.AddDays(7), 2, 1, 0, [], rows));

        await _platform.SendAsync(new OutboundMessage("digest:5", Destination.Channel("discord", DiscordApiTestKit.Guild, DiscordApiTestKit.Channel),
            new DigestMessage(digest)), CancellationToken.None);

        var posted = _kit.Discord.MessagesIn(DiscordApiTestKit.Channel);
        Assert.True(posted.Count > 1);
        Assert.Equal(posted.Count, posted.Select(m => m.Nonce).Distinct().Count());
        // In a channel the buttons are the core's ids as they are: the interaction names the server itself.
        Assert.All(posted[^1].CustomIds, id => Assert.StartsWith("idea:vote:", id));
    }

    [Fact]
    public async Task Rate_limit_is_a_transient_delivery_failure_with_discords_retry_after()
    {
        _kit.Discord.RateLimitNext(FakeDiscordRoutes.CreateMessage, 1, TimeSpan.FromSeconds(120));

        var ex = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            _platform.SendAsync(ToAda("prompt:1:1", new PromptMessage(1, new DateOnly(2026, 11, 27), "Ada", ["Q?"])), CancellationToken.None));

        Assert.True(ex.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
    }

    [Fact]
    public async Task Closed_dms_are_a_permanent_delivery_failure()
    {
        _kit.Discord.AddUser(new FakeDiscordUser("1200000000000000009", "shy") { RefusesDirectMessages = true });
        var message = new OutboundMessage("prompt:1:9", Destination.DirectMessage(new MemberRef("discord", DiscordApiTestKit.Guild, "1200000000000000009")),
            new ReminderMessage(1, new DateOnly(2026, 11, 27)));

        var ex = await Assert.ThrowsAsync<ChatDeliveryException>(() => _platform.SendAsync(message, CancellationToken.None));

        Assert.False(ex.IsTransient);
        Assert.Contains("50007", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_address_that_is_not_an_id_is_a_permanent_failure_without_a_request()
    {
        var message = new OutboundMessage("k", Destination.DirectMessage(new MemberRef("discord", "1", "not-an-id")), new ReminderMessage(1, new DateOnly(2026, 11, 27)));

        var ex = await Assert.ThrowsAsync<ChatDeliveryException>(() => _platform.SendAsync(message, CancellationToken.None));

        Assert.False(ex.IsTransient);
        Assert.Empty(_kit.Discord.Calls);
    }

    [Fact]
    public void Name_IsDiscord() => Assert.Equal("discord", _platform.Name);
}
