using System.Text.Json.Nodes;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Messaging;
using ImproveBot.Slack.Rendering;
using static ImproveBot.Slack.Tests.Rendering.SlackJson;

namespace ImproveBot.Slack.Tests.Rendering;

public class DirectMessageRenderingTests
{
    private static readonly DateOnly Week = new(2025, 3, 14);

    [Fact]
    public void Prompt_RendersGreetingQuestionsButtonsAndReplyHint_Exactly()
    {
        var prompt = new PromptMessage(7, Week, "Ada", ["What slowed you down?", "What would help?"]);

        var message = Assert.Single(SlackMessageRenderer.Render(prompt));

        Assert.Equal("Hi Ada! Time for your weekly 20-minute improvement reflection (week of 2025-03-14).", message.Text);
        Assert.Equal(
            """[{"type":"section","text":{"type":"mrkdwn","text":"Hi Ada! Time for your weekly 20-minute improvement reflection (week of 2025-03-14).","verbatim":true}},"""
            + """{"type":"section","text":{"type":"mrkdwn","text":"1. What slowed you down?\n2. What would help?","verbatim":true}},"""
            + """{"type":"actions","elements":["""
            + """{"type":"button","action_id":"reflect:start:7","text":{"type":"plain_text","text":"Start 20-minute reflection","emoji":true},"style":"primary"},"""
            + """{"type":"button","action_id":"reflect:skip:7","text":{"type":"plain_text","text":"Skip this week","emoji":true}},"""
            + """{"type":"button","action_id":"reflect:pause","text":{"type":"plain_text","text":"Pause for 2 weeks","emoji":true}}]},"""
            + """{"type":"context","elements":[{"type":"mrkdwn","text":"Press *Start* when you have 20 minutes, or simply reply to this DM: a plain reply counts too.","verbatim":true}]}]""",
            Json(message));
    }

    [Fact]
    public void Prompt_ButtonActionIdsAreTheCoresActionIdsWithTheirStyles()
    {
        var prompt = new PromptMessage(42, Week, "Ada", ["Q?"]);

        var buttons = OfType(Assert.Single(SlackMessageRenderer.Render(prompt)).Blocks, "button").ToList();

        Assert.Equal(prompt.Actions.Select(a => a.Id), buttons.Select(b => (string)b["action_id"]!));
        Assert.Equal(["primary", null, null], buttons.Select(b => (string?)b["style"]));
        Assert.All(buttons, b => Assert.InRange(Text(b["text"]).Length, 1, BlockKitLimits.ButtonText));
    }

    [Fact]
    public void Prompt_EscapesTheMemberNameAndQuestionsInBlocksAndFallback()
    {
        var prompt = new PromptMessage(1, Week, "<!channel> & co", ["Why <@U123>?"]);

        var message = Assert.Single(SlackMessageRenderer.Render(prompt));

        Assert.StartsWith("Hi &lt;!channel&gt; &amp; co!", message.Text, StringComparison.Ordinal);
        Assert.Contains("1. Why &lt;@U123&gt;?", SectionTexts(message));
        Assert.DoesNotContain(Strings(message.Blocks).Append(message.Text), s => s.Contains('<', StringComparison.Ordinal));
    }

    [Fact]
    public void Prompt_PathologicalNameAndManyLongQuestions_StayWithinTheTextLimit()
    {
        var prompt = new PromptMessage(1, Week, new string('&', 5000), Enumerable.Repeat(new string('<', 300), 20).ToList());

        var message = Assert.Single(SlackMessageRenderer.Render(prompt));

        Assert.All(TextObjects(message.Blocks), t => Assert.InRange(Text(t).Length, 1, BlockKitLimits.Text));
        Assert.Equal(20, SectionTexts(message).SelectMany(t => t.Split('\n')).Count(l => l.Contains(". &lt;", StringComparison.Ordinal)));
    }

    [Fact]
    public void Reminder_HasStartAndSkipButtonsAndTheReplyHint()
    {
        var reminder = new ReminderMessage(3, Week);

        var message = Assert.Single(SlackMessageRenderer.Render(reminder));

        Assert.Equal("Friendly reminder: your 20-minute improvement reflection for the week of 2025-03-14 is still open.", message.Text);
        Assert.Equal(["reflect:start:3", "reflect:skip:3"], OfType(message.Blocks, "button").Select(b => (string)b["action_id"]!));
        Assert.Equal(SlackMessageRenderer.ReplyHint, Text(OfType(message.Blocks, "context").Single()["elements"]![0]));
    }

    [Fact]
    public void FollowUp_QuotesTheIdeaAndOffersAnswerRowThenRatingRow()
    {
        var followUp = new FollowUpMessage(42, "Read <b>papers</b> & take notes\nevery Friday", new DateOnly(2025, 3, 1), 1);

        var message = Assert.Single(SlackMessageRenderer.Render(followUp));

        Assert.Contains("> Read &lt;b&gt;papers&lt;/b&gt; &amp; take notes every Friday", SectionTexts(message));
        var rows = OfType(message.Blocks, "actions").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(followUp.Actions.Select(a => a.Id), rows[0]["elements"]!.AsArray().Select(b => (string)b!["action_id"]!));
        Assert.Equal(["primary", null, null, "danger"], rows[0]["elements"]!.AsArray().Select(b => (string?)b!["style"]));
        Assert.Equal(
            Enumerable.Range(1, 5).Select(v => FollowUpActions.Rate(42, v)),
            rows[1]["elements"]!.AsArray().Select(b => (string)b!["action_id"]!));
        Assert.Equal(["1", "2", "3", "4", "5"], rows[1]["elements"]!.AsArray().Select(b => Text(b!["text"])));
        Assert.Equal(FollowUpActions.Answer(42, FollowUpAnswer.Helped), (string)rows[0]["elements"]![0]!["action_id"]!);
        Assert.Equal(
            "On 2025-03-01 you logged #42: \u201CRead &lt;b&gt;papers&lt;/b&gt; &amp; take notes every Friday\u201D. Did you try it, and did it help?",
            message.Text);
    }

    [Fact]
    public void FollowUp_LongEscapedIdea_IsQuotedOverSeveralSectionsWithinTheLimit()
    {
        var followUp = new FollowUpMessage(5, string.Concat(Enumerable.Repeat("<&> ", 500)), Week, 2); // 2,000 chars, ~7,000 escaped

        var message = Assert.Single(SlackMessageRenderer.Render(followUp));

        Assert.All(TextObjects(message.Blocks), t => Assert.InRange(Text(t).Length, 1, BlockKitLimits.Text));
        Assert.Equal(500, SectionTexts(message).Sum(t => CountOf(t, "&lt;")));
        Assert.EndsWith("\u201D. Did you try it, and did it help?", message.Text, StringComparison.Ordinal); // shortened, still whole
    }

    [Fact]
    public void Notice_IsEscapedAndKeepsItsLines()
    {
        var message = Assert.Single(SlackMessageRenderer.Render(new NoticeMessage("Done.\nSee <https://x.example|here> & there")));

        Assert.Equal(["Done.\nSee &lt;https://x.example|here&gt; &amp; there"], SectionTexts(message));
        Assert.Equal("Done.\nSee &lt;https://x.example|here&gt; &amp; there", message.Text);
    }

    [Fact]
    public void Notice_Empty_StillRendersAValidSection()
    {
        var message = Assert.Single(SlackMessageRenderer.Render(new NoticeMessage("")));

        Assert.NotEmpty(Assert.Single(SectionTexts(message)));
        Assert.NotEmpty(message.Text);
    }

    [Fact]
    public void Render_UnknownMessageKind_FailsLoudlyInsteadOfSendingSomethingOdd()
    {
        Assert.Throws<NotSupportedException>(() => SlackMessageRenderer.Render(new UnknownContent()));
    }

    [Fact]
    public void EveryMrkdwnObjectIsVerbatimAndNoMessageAsksSlackToParse()
    {
        MessageContent[] all =
        [
            new PromptMessage(1, Week, "Ada", ["Q?"]),
            new ReminderMessage(1, Week),
            new FollowUpMessage(1, "idea", Week, 1),
            new NoticeMessage("hi"),
        ];

        foreach (var message in all.SelectMany(SlackMessageRenderer.Render))
        {
            Assert.All(TextObjects(message.Blocks).Where(t => Type(t) == "mrkdwn"), t => Assert.True((bool)t["verbatim"]!));
            Assert.DoesNotContain("link_names", Json(message), StringComparison.Ordinal);
            Assert.DoesNotContain("\"parse\"", Json(message), StringComparison.Ordinal);
        }
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private sealed record UnknownContent : MessageContent;
}
