using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Testing.FakeSlack;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>A DM whose earlier attempt may have reached Slack is looked up by its outbox key before it is sent again.</summary>
public sealed class ResendCheckTests
{
    private static OutboundMessage Notice(string key, string user) =>
        new(key, Destination.DirectMessage(new MemberRef("slack", "T0FAKE0001", user)), new NoticeMessage("hello"));

    [Fact]
    public async Task MayHaveBeenSent_AlreadyInTheDm_IsNotPostedAgain_ButANewKeyIs()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AddUser(new FakeSlackUser("U1", "ada", "UTC"));
        var platform = new SlackChatPlatform(kit.Api);

        await platform.SendAsync(Notice("notice:1", "U1"), default);
        await platform.SendAsync(Notice("notice:1", "U1") with { MayHaveBeenSent = true }, default);
        Assert.Single(kit.Slack.PostedMessages);
        Assert.Equal(1, kit.Slack.CallCount("conversations.history"));

        await platform.SendAsync(Notice("notice:2", "U1") with { MayHaveBeenSent = true }, default);
        Assert.Equal(2, kit.Slack.PostedMessages.Count);
    }

    [Fact]
    public async Task FirstAttempt_DoesNotReadHistory()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AddUser(new FakeSlackUser("U1", "ada", "UTC"));
        var platform = new SlackChatPlatform(kit.Api);

        await platform.SendAsync(Notice("notice:1", "U1"), default);
        await platform.SendAsync(Notice("notice:1", "U1"), default); // a plain retry the dispatcher would not make

        Assert.Equal(2, kit.Slack.PostedMessages.Count);
        Assert.Equal(0, kit.Slack.CallCount("conversations.history"));
    }
}
