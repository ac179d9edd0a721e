using ImproveBot.Core.Digest;
using ImproveBot.Core.Messaging;
using ImproveBot.Discord.Rendering;
using static ImproveBot.Discord.Tests.Rendering.DiscordJson;

namespace ImproveBot.Discord.Tests.Rendering;

public sealed class DirectMessageRenderingTests
{
    private const string Guild = "290926798626357999";
    private static readonly DateOnly Week = new(2026, 11, 27);
    private static readonly DiscordRenderContext Dm = new(Guild, PlainRepliesCount: false);

    [Fact]
    public void Prompt_RendersGreetingQuestionsButtonsAndSuppressedMentions_Exactly()
    {
        var prompt = new PromptMessage(7, Week, "Ada", ["What slowed you down?", "What would help?"]);

        var message = Assert.Single(DiscordMessageRenderer.Render(prompt, Dm));

        Assert.Equal(
            """
            {"content":"Hi Ada! Time for your weekly 20-minute improvement reflection (week of 2026-11-27).\nPress **Start** when you have 20 minutes.","embeds":[{"color":3055211,"title":"This week's questions","description":"1. What slowed you down?\n2. What would help?"}],"components":[{"type":1,"components":[{"type":2,"style":1,"label":"Start 20-minute reflection","custom_id":"290926798626357999|reflect:start:7"},{"type":2,"style":2,"label":"Skip this week","custom_id":"290926798626357999|reflect:skip:7"},{"type":2,"style":2,"label":"Pause for 2 weeks","custom_id":"290926798626357999|reflect:pause"}]}],"allowed_mentions":{"parse":[]}}
            """,
            Json(message));
    }

    [Fact]
    public void Prompt_SaysAPlainReplyCounts_OnlyWhenTheGatewayReadsReplies()
    {
        var prompt = new PromptMessage(7, Week, "Ada", ["Q?"]);

        var withGateway = Assert.Single(DiscordMessageRenderer.Render(prompt, Dm with { PlainRepliesCount = true }));
        var without = Assert.Single(DiscordMessageRenderer.Render(prompt, Dm));

        Assert.EndsWith(DiscordMessageRenderer.ReplyHint, withGateway.Content);
        Assert.EndsWith(DiscordMessageRenderer.StartHint, without.Content);
        Assert.DoesNotContain("reply", without.Content!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ButtonIds_AreTheCoresActionIds_PrefixedWithTheServerOnlyInADm()
    {
        var prompt = new PromptMessage(7, Week, "Ada", ["Q?"]);

        var inDm = CustomIds(Assert.Single(DiscordMessageRenderer.Render(prompt, Dm)));
        var inChannel = CustomIds(Assert.Single(DiscordMessageRenderer.Render(prompt, DiscordRenderContext.Channel)));

        Assert.Equal(prompt.Actions.Select(a => $"{Guild}|{a.Id}"), inDm);
        Assert.Equal(prompt.Actions.Select(a => a.Id), inChannel);
        Assert.All(inDm, id => Assert.Equal((Guild, id[(Guild.Length + 1)..]), DiscordCustomId.Parse(id)));
    }

    [Fact]
    public void Prompt_PathologicalNameAndFiveLongQuestions_StayWithinTheLimits()
    {
        var questions = Enumerable.Range(1, 5).Select(i => string.Concat(Enumerable.Repeat("*_`[", 75))).ToList(); // 300 chars, all escaped
        var prompt = new PromptMessage(7, Week, new string('~', 5000), questions);

        var message = Assert.Single(DiscordMessageRenderer.Render(prompt, Dm));

        AssertWithinLimits(message);
        // Every question is there whole (escaped, so twice as long): nothing was cut.
        Assert.Equal(5, message.Embeds.Sum(e => e["description"]!.GetValue<string>().Split('\n').Length));
    }

    [Fact]
    public void Reminder_HasStartAndSkipButtonsAndTheHint()
    {
        var message = Assert.Single(DiscordMessageRenderer.Render(new ReminderMessage(7, Week), Dm));

        Assert.Equal("Friendly reminder: your 20-minute improvement reflection for the week of 2026-11-27 is still open.\n" + DiscordMessageRenderer.StartHint,
            message.Content);
        Assert.Equal([$"{Guild}|reflect:start:7", $"{Guild}|reflect:skip:7"], CustomIds(message));
        AssertWithinLimits(message);
    }

    [Fact]
    public void TimeUp_OffersTheFormAgain()
    {
        var message = Assert.Single(DiscordMessageRenderer.Render(new TimeUpMessage(7, Week), Dm));

        Assert.StartsWith("Your 20 minutes are up.", message.Content);
        Assert.Equal([$"{Guild}|reflect:start:7"], CustomIds(message));
    }

    [Fact]
    public void FollowUp_QuotesTheIdeaInAnEmbedAndOffersAnswerRowThenRatingRow()
    {
        var followUp = new FollowUpMessage(42, "Read the abstract first", new DateOnly(2026, 11, 13), 1);

        var message = Assert.Single(DiscordMessageRenderer.Render(followUp, Dm));

        Assert.Equal("On 2026-11-13 you logged #42. Did you try it, and did it help?", message.Content);
        Assert.Equal("Read the abstract first", message.Embeds[0]["description"]!.GetValue<string>());
        Assert.Equal(2, message.Components.Count);
        Assert.Equal(followUp.Actions.Select(a => $"{Guild}|{a.Id}"), message.Components[0]["components"]!.AsArray().Select(b => b!["custom_id"]!.GetValue<string>()));
        Assert.Equal(["1", "2", "3", "4", "5"], message.Components[1]["components"]!.AsArray().Select(b => b!["label"]!.GetValue<string>()));
        Assert.Equal(4, message.Components[0]["components"]![3]!["style"]!.GetValue<int>()); // Drop it: danger
        AssertWithinLimits(message);
    }

    [Fact]
    public void FollowUp_LongestIdeaFullOfMarkdown_FitsTheDescription()
    {
        var followUp = new FollowUpMessage(42, new string('*', 2000), new DateOnly(2026, 11, 13), 1);

        var message = Assert.Single(DiscordMessageRenderer.Render(followUp, Dm));

        Assert.Equal(string.Concat(Enumerable.Repeat("\\*", 2000)), message.Embeds[0]["description"]!.GetValue<string>());
        AssertWithinLimits(message);
    }

    [Fact]
    public void Notice_IsEscapedKeepsItsLinesAndSplitsPast2000()
    {
        var short_ = Assert.Single(DiscordMessageRenderer.Render(new NoticeMessage("Line *one*\nLine two"), Dm));
        var long_ = DiscordMessageRenderer.Render(new NoticeMessage(string.Join("\n", Enumerable.Repeat(new string('n', 900), 5))), Dm);

        Assert.Equal("Line \\*one\\*\nLine two", short_.Content);
        Assert.Equal(3, long_.Count);
        Assert.All(long_, AssertWithinLimits);
    }

    [Fact]
    public void Notice_Empty_StillRendersAValidMessage()
    {
        var message = Assert.Single(DiscordMessageRenderer.Render(new NoticeMessage(""), Dm));
        AssertWithinLimits(message);
    }

    [Fact]
    public void Render_UnknownMessageKind_FailsLoudlyInsteadOfSendingSomethingOdd()
    {
        Assert.Throws<NotSupportedException>(() => DiscordMessageRenderer.Render(new UnknownContent(), Dm));
    }

    [Fact]
    public void EveryMessageKind_SuppressesAllMentions()
    {
        MessageContent[] all =
        [
            new PromptMessage(7, Week, "Ada", ["Q?"]),
            new ReminderMessage(7, Week),
            new TimeUpMessage(7, Week),
            new FollowUpMessage(1, "x", Week, 1),
            new NoticeMessage("n"),
            new DigestMessage(DigestBuilder.Build(new DigestInput("Lab", Week, default, default, 0, 0, 0, [], []))),
        ];
        foreach (var content in all)
        {
            Assert.All(DiscordMessageRenderer.Render(content, Dm), m => Assert.Equal("""{"parse":[]}""", Json(m.ToJson()["allowed_mentions"]!)));
        }
    }

    private sealed record UnknownContent : MessageContent;
}
