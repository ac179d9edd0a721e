using System.Text.Json.Nodes;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Experiment;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Messaging;
using ImproveBot.Slack.Rendering;
using static ImproveBot.Slack.Tests.Rendering.SlackJson;

namespace ImproveBot.Slack.Tests.Rendering;

public class DigestRenderingTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SmallDigest_IsOneMessageWithTheMarkdownDigestsSectionsInOrder()
    {
        var digest = DigestBuilder.Build(SeededWeek());

        var message = Assert.Single(SlackMessageRenderer.RenderDigest(digest));

        var blocks = message.Blocks.OfType<JsonObject>().ToList();
        Assert.Equal("header", Type(blocks[0]));
        Assert.Equal("Improvement digest: Vision Lab · week of 2025-03-10", Text(blocks[0]["text"]));
        Assert.Equal("7 of 9 reflected this week · 1 skipped · median 18 min (2 without a time)", Text(blocks[1]["elements"]![0]));
        Assert.Equal(
        [
            "*New ideas*",
            "*#reading*\n• #1 Read one paper together each Friday — Ada (reflection, 3 votes)\n• #2 Share reading notes in the wiki — anonymous (in-flow, 1 vote)",
            "*#tooling*\n• #6 Automate the data backup — Eve (reflection)",
            "*#other*\n• #3 Fewer status meetings — Bob (in-flow, 2 votes)",
            "*Most voted*\n1. #5 Daily standup at 10 — Dan (4 votes)\n2. #1 Read one paper together each Friday — Ada (3 votes)\n"
                + "3. #3 Fewer status meetings — Bob (2 votes, trying)\n4. #2 Share reading notes in the wiki — anonymous (1 vote)",
            "*Status changes*\n• *Adopted:* #4 Pair on code reviews — Cy\n• *Trying:* #3 Fewer status meetings — Bob\n• *Dropped:* #8 Drop the weekly newsletter — Bob",
            "*In-flow vs reflection*\n• In-flow: 2 ideas\n• Reflection: 2 ideas from 1.5 h of reflection (1.3 per hour)",
        ], SectionTexts(message));
        Assert.Equal("Improvement digest: Vision Lab · week of 2025-03-10: 7 of 9 reflected this week · 1 skipped · median 18 min (2 without a time)",
            message.Text);
        Assert.Equal("Back an idea you like with a +1 button below or `/improve vote &lt;id&gt;`.", Text(blocks[^2]["elements"]![0]));
        Assert.Equal(new DigestMessage(digest).Actions.Select(a => a.Id), OfType(blocks[^1], "button").Select(b => (string)b["action_id"]!));
    }

    [Fact]
    public void Render_DigestMessage_IsTheSameAsRenderDigest()
    {
        var digest = DigestBuilder.Build(SeededWeek());

        var viaMessage = SlackMessageRenderer.Render(new DigestMessage(digest));

        Assert.Equal(SlackMessageRenderer.RenderDigest(digest).Select(Json), viaMessage.Select(Json));
    }

    [Fact]
    public void AnonymousIdea_ShowsAnonymousAndNeverItsAuthor_PrivateIdeaIsNotThereAtAll()
    {
        var messages = SlackMessageRenderer.RenderDigest(DigestBuilder.Build(SeededWeek()));

        var json = string.Concat(messages.Select(m => Json(m) + m.Text));
        Assert.Contains("#2 Share reading notes in the wiki — anonymous", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace", json, StringComparison.Ordinal);                  // #2's real author
        Assert.DoesNotContain("My private note", json, StringComparison.Ordinal);        // #7 is private
        Assert.DoesNotContain("idea:vote:7", json, StringComparison.Ordinal);
    }

    [Fact]
    public void QuietWeek_SaysSoKindly()
    {
        var message = Assert.Single(SlackMessageRenderer.RenderDigest(DigestBuilder.Build(Input([], prompted: 9, reflected: 0, skipped: 2))));

        Assert.Equal(
            ["A quiet week: no reflections or new ideas this time, and that is fine. Spotted something worth improving? Log it any time with `/idea`."],
            SectionTexts(message));
        Assert.Empty(OfType(message.Blocks, "actions"));
        Assert.Equal("Improvement digest: Vision Lab · week of 2025-03-10: A quiet week: no reflections or new ideas this time, and that is fine.", message.Text);
    }

    [Fact]
    public void ExperimentAndOutcomes_AreRenderedWithTheCoresWords()
    {
        var experiment = new TeamExperiment(4, new SourceFigures(6, 4, 2, 3, 4, 4.25), new SourceFigures(6, 3, 1, 2, 3, 3.0),
            0, 0, null, Verdict.Tie, Verdict.InFlow, ExperimentStats.BasisRating, 12, 7);
        var digest = DigestBuilder.Build(SeededWeek() with { Experiment = experiment }) with
        {
            Outcomes = [new DigestIdea(11, "Timebox reading", null, 0, IdeaSource.Reflection, [], IdeaStatus.Adopted, IdeaOutcome.Helped, 4)],
        };

        var texts = SectionTexts(Assert.Single(SlackMessageRenderer.RenderDigest(digest))).ToList();

        Assert.Contains("*Outcomes*\n• Helped: #11 Timebox reading — anonymous (value 4/5)", texts);
        Assert.Contains(
            "*The experiment: reflection vs in-flow*\n"
            + "Over the last 4 weeks, deliberate reflection and in-flow capture produced the same number of ideas: 6 each.\n"
            + "In-flow ideas were rated higher than reflection ideas: 4.3 vs 3.0 on average (4 and 3 rated ideas).\n"
            + "This rests on 12 ideas, 7 of them rated; private ideas are not counted.",
            texts);
    }

    [Fact]
    public void LargeDigest_SplitsIntoValidMessagesAndLosesNoIdea()
    {
        // 200 ideas of 1,900 chars over 8 tags; every 10th is made of control characters, so it escapes to ~6,600 chars.
        var rows = Enumerable.Range(1, 200).Select(i => Row(i,
            i % 10 == 0 ? string.Concat(Enumerable.Repeat("<&> ", 475)) : $"Idea {i}: " + new string('x', 1890),
            tag: $"tag{i % 8}", votes: i % 3)).ToList();
        var digest = DigestBuilder.Build(Input(rows, prompted: 30, reflected: 20));

        var messages = SlackMessageRenderer.RenderDigest(digest);

        Assert.True(messages.Count > 1, $"expected several messages, got {messages.Count}");
        foreach (var message in messages)
        {
            Assert.InRange(message.Blocks.Count, 1, BlockKitLimits.BlocksPerMessage);
            Assert.InRange(message.Text.Length, 1, BlockKitLimits.Text);
            Assert.All(TextObjects(message.Blocks), t => Assert.InRange(Text(t).Length, 1, BlockKitLimits.Text));
            Assert.All(OfType(message.Blocks, "header"), h => Assert.InRange(Text(h["text"]).Length, 1, BlockKitLimits.HeaderText));
            Assert.All(OfType(message.Blocks, "actions"), a => Assert.InRange(a["elements"]!.AsArray().Count, 1, BlockKitLimits.ElementsPerActions));
            Assert.NotEqual("divider", Type(message.Blocks[^1]!.AsObject()));
        }

        // First message has the header; each later one says it continues, in its first block and its fallback.
        Assert.Equal("header", Type(messages[0].Blocks[0]!.AsObject()));
        Assert.All(messages.Skip(1), m =>
        {
            Assert.Equal("context", Type(m.Blocks[0]!.AsObject()));
            Assert.EndsWith("(continued)", Text(m.Blocks[0]!["elements"]![0]), StringComparison.Ordinal);
            Assert.EndsWith("(continued)", m.Text, StringComparison.Ordinal);
            Assert.Empty(OfType(m.Blocks, "header"));
        });

        // Every idea exactly once in the idea lists, and no escaped character dropped by splitting.
        var lines = messages.SelectMany(SectionTexts).SelectMany(t => t.Split('\n')).ToList();
        foreach (var id in Enumerable.Range(1, 200))
            Assert.Single(lines, l => l.StartsWith($"• #{id} ", StringComparison.Ordinal));
        Assert.Equal(20 * 475, messages.SelectMany(SectionTexts).Sum(t => CountOf(t, "&lt;")));

        // The +1 buttons come once, at the very end.
        Assert.Empty(messages.SkipLast(1).SelectMany(m => OfType(m.Blocks, "actions")));
        Assert.Equal(DigestMessage.MaxVoteButtons, OfType(messages[^1].Blocks, "button").Count());
        Assert.Equal("actions", Type(messages[^1].Blocks[^1]!.AsObject()));
    }

    [Fact]
    public void LongTeamName_IsShortenedInTheHeaderButStaysWhole()
    {
        var name = new string('&', 200);

        var message = Assert.Single(SlackMessageRenderer.RenderDigest(DigestBuilder.Build(SeededWeek() with { TeamName = name })));

        var header = Text(message.Blocks[0]!["text"]);
        Assert.InRange(header.Length, 1, BlockKitLimits.HeaderText);
        Assert.EndsWith("&amp;…", header, StringComparison.Ordinal); // cut between entities, never inside one
    }

    [Fact]
    public void HugeTeamName_StillGivesValidHeaderContinuationLinesAndFallbacks()
    {
        var rows = Enumerable.Range(1, 120).Select(i => Row(i, "Idea " + new string('z', 1500), tag: "t")).ToList();
        var digest = DigestBuilder.Build(Input(rows, prompted: 5, reflected: 5) with { TeamName = new string('<', 10_000) });

        var messages = SlackMessageRenderer.RenderDigest(digest);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m =>
        {
            Assert.All(TextObjects(m.Blocks), t => Assert.InRange(Text(t).Length, 1, BlockKitLimits.Text));
            Assert.InRange(m.Text.Length, 1, BlockKitLimits.Text);
        });
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static DigestIdeaRow Row(long id, string text, string? tag = null, IdeaSource source = IdeaSource.InFlow,
        IdeaVisibility visibility = IdeaVisibility.Team, IdeaStatus status = IdeaStatus.New, string author = "Ada", int votes = 0,
        double day = 1, double? changed = null) =>
        new(id, text, tag is null ? [] : [tag], source, visibility, status, author, votes, Start.AddDays(day),
            changed is { } c ? Start.AddDays(c) : null);

    private static DigestInput Input(IReadOnlyList<DigestIdeaRow> ideas, int prompted, int reflected, int skipped = 0,
        IReadOnlyList<TimeSpan?>? durations = null) =>
        new("Vision Lab", new DateOnly(2025, 3, 10), Start, Start.AddDays(7), prompted, reflected, skipped, durations ?? [], ideas);

    /// <summary>The Markdown renderer's seeded week (Core tests), so both renderers can be read side by side.</summary>
    private static DigestInput SeededWeek() => Input(
        [
            Row(1, "Read one paper together each Friday", "reading", IdeaSource.Reflection, author: "Ada", votes: 3, day: 1),
            Row(2, "Share reading notes in the wiki", "reading", visibility: IdeaVisibility.Anonymous, author: "Grace", votes: 1, day: 2),
            Row(3, "Fewer status meetings", null, status: IdeaStatus.Trying, author: "Bob", votes: 2, day: 3, changed: 4),
            Row(4, "Pair on code reviews", "code", IdeaSource.Reflection, status: IdeaStatus.Adopted, author: "Cy", votes: 5, day: -18, changed: 2),
            Row(5, "Daily standup at 10", "meetings", author: "Dan", votes: 4, day: -37),
            Row(6, "Automate the data backup", "tooling", IdeaSource.Reflection, author: "Eve", day: 5),
            Row(7, "My private note about Bob", "secret", IdeaSource.Reflection, IdeaVisibility.Private, author: "Ada", day: 2),
            Row(8, "Drop the weekly newsletter", "meetings", status: IdeaStatus.Dropped, author: "Bob", votes: 1, day: -59, changed: 6),
        ],
        prompted: 9, reflected: 7, skipped: 1,
        durations: [TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(18), null, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(12), null]);
}
