using System.Text.Json.Nodes;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Messaging;
using ImproveBot.Discord.Rendering;
using static ImproveBot.Discord.Tests.Rendering.DiscordJson;

namespace ImproveBot.Discord.Tests.Rendering;

public sealed class DigestRenderingTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SmallDigest_IsOneMessageWithTheMarkdownDigestsSectionsInOrder()
    {
        var digest = DigestBuilder.Build(SeededWeek());

        var message = Assert.Single(DiscordMessageRenderer.RenderDigest(digest));

        Assert.Equal(
        [
            ("Improvement digest: Vision Lab · week of 2025-03-10", "7 of 9 reflected this week · 1 skipped · median 18 min (2 without a time)"),
            ("New ideas", "**#reading**\n- #1 Read one paper together each Friday — Ada (reflection, 3 votes)\n- #2 Share reading notes in the wiki — anonymous (in-flow, 1 vote)\n\n"
                + "**#tooling**\n- #6 Automate the data backup — Eve (reflection)\n\n**#other**\n- #3 Fewer status meetings — Bob (in-flow, 2 votes)"),
            ("Most voted", "1. #5 Daily standup at 10 — Dan (4 votes)\n2. #1 Read one paper together each Friday — Ada (3 votes)\n"
                + "3. #3 Fewer status meetings — Bob (2 votes, trying)\n4. #2 Share reading notes in the wiki — anonymous (1 vote)"),
            ("Status changes", "- **Adopted:** #4 Pair on code reviews — Cy\n- **Trying:** #3 Fewer status meetings — Bob\n- **Dropped:** #8 Drop the weekly newsletter — Bob"),
            ("In-flow vs reflection", null),
        ], message.Embeds.Select(e => (e["title"]!.GetValue<string>(), e["description"]?.GetValue<string>())));
        Assert.Equal("""[{"name":"In-flow","value":"2 ideas","inline":true},{"name":"Reflection","value":"2 ideas from 1.5 h of reflection (1.3 per hour)","inline":true}]""",
            Json(message.Embeds[4]["fields"]!));
        Assert.Equal("Back an idea you like with a +1 button below or `/improve vote <id>`.", message.Content);
        Assert.Equal(new DigestMessage(digest).Actions.Select(a => a.Id), CustomIds(message));
        AssertWithinLimits(message);
    }

    [Fact]
    public void Render_DigestMessage_IsTheSameAsRenderDigest()
    {
        var digest = DigestBuilder.Build(SeededWeek());
        var viaMessage = DiscordMessageRenderer.Render(new DigestMessage(digest), new DiscordRenderContext("1", true));
        Assert.Equal(DiscordMessageRenderer.RenderDigest(digest).Select(Json), viaMessage.Select(Json));
    }

    [Fact]
    public void AnonymousIdea_ShowsAnonymousAndNeverItsAuthor_PrivateIdeaIsNotThereAtAll()
    {
        var messages = DiscordMessageRenderer.RenderDigest(DigestBuilder.Build(SeededWeek()));

        var all = string.Join("\n", messages.Select(Json));
        Assert.Contains("#2 Share reading notes in the wiki — anonymous", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace", all, StringComparison.Ordinal);
        Assert.DoesNotContain("private note", all, StringComparison.Ordinal);
    }

    [Fact]
    public void QuietWeek_SaysSoKindly()
    {
        var message = Assert.Single(DiscordMessageRenderer.RenderDigest(DigestBuilder.Build(Input([], prompted: 4, reflected: 0))));

        Assert.Equal("A quiet week: no reflections or new ideas this time, and that is fine. Spotted something worth improving? Log it any time with `/idea`.",
            message.Embeds[0]["description"]!.GetValue<string>());
        Assert.Empty(message.Components);
        Assert.Null(message.Content);
        AssertWithinLimits(message);
    }

    [Fact]
    public void LargeDigest_SplitsIntoValidMessagesAndLosesNoIdea()
    {
        // 200 ideas of 1,900 chars over 8 tags; every 10th is made of Markdown characters, so it escapes to 3,800 chars.
        var rows = Enumerable.Range(1, 200).Select(i => Row(i,
            i % 10 == 0 ? string.Concat(Enumerable.Repeat("*_`~", 475)) : $"Idea {i}: " + new string('x', 1890),
            tag: $"tag{i % 8}", votes: i % 3)).ToList();
        var digest = DigestBuilder.Build(Input(rows, prompted: 30, reflected: 20));

        var messages = DiscordMessageRenderer.RenderDigest(digest);

        Assert.True(messages.Count > 1, $"expected several messages, got {messages.Count}");
        Assert.All(messages, AssertWithinLimits);
        // The first message starts with the title embed; each later one says it continues.
        Assert.StartsWith("Improvement digest: Vision Lab", messages[0].Embeds[0]["title"]!.GetValue<string>());
        Assert.All(messages.Skip(1), m => Assert.StartsWith("**Improvement digest: Vision Lab · week of 2025-03-10 (continued)**", m.Content));

        // Every idea exactly once in the new-ideas lists, and no escaped character lost by splitting.
        var lines = messages.SelectMany(m => m.Embeds).Where(e => e["title"]!.GetValue<string>().StartsWith("New ideas", StringComparison.Ordinal))
            .SelectMany(e => e["description"]!.GetValue<string>().Split('\n')).ToList();
        foreach (var id in Enumerable.Range(1, 200))
            Assert.Single(lines, l => l.StartsWith($"- #{id} ", StringComparison.Ordinal));
        Assert.Equal(20 * 475, lines.Sum(l => CountOf(l, "\\*")));

        // The +1 buttons come once, on the very last message, with the hint.
        Assert.Empty(messages.SkipLast(1).SelectMany(m => m.Components));
        Assert.Equal(DigestMessage.MaxVoteButtons, CustomIds(messages[^1]).Count);
        Assert.EndsWith("`/improve vote <id>`.", messages[^1].Content);
    }

    [Fact]
    public void LongTeamName_IsShortenedInTheTitle()
    {
        var digest = DigestBuilder.Build(Input([Row(1, "idea", "t")], prompted: 1, reflected: 1) with { TeamName = new string('*', 300) });

        var title = DiscordMessageRenderer.RenderDigest(digest)[0].Embeds[0]["title"]!.GetValue<string>();

        Assert.InRange(title.Length, 1, DiscordLimits.EmbedTitle);
        Assert.Contains("\\*…", title, StringComparison.Ordinal); // cut after a whole escape, never inside one
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

    /// <summary>The Markdown renderer's seeded week (Core tests), so the renderers can be read side by side.</summary>
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
