using System.Text.Json.Nodes;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Messaging;
using ImproveBot.Slack.Rendering;
using static ImproveBot.Slack.Tests.Rendering.SlackJson;

namespace ImproveBot.Slack.Tests.Rendering;

/// <summary>
/// User text must never become a live Slack control sequence (slack.md §8), wherever it lands: idea text, author
/// names, tags, the team name, the member name, questions, replies; in blocks and in the fallback text.
/// </summary>
public class InjectionTests
{
    public static TheoryData<string, string> Hostile => new()
    {
        { "<!channel>", "&lt;!channel&gt;" },
        { "<!here>", "&lt;!here&gt;" },
        { "<!everyone>", "&lt;!everyone&gt;" },
        { "<!subteam^S123>", "&lt;!subteam^S123&gt;" },
        { "<@U123>", "&lt;@U123&gt;" },
        { "<#C123>", "&lt;#C123&gt;" },
        { "<https://evil.example|click>", "&lt;https://evil.example|click&gt;" },
        { "&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;" },
        { "*bold* _it_ ~s~ `code`", "*bold* _it_ ~s~ `code`" },
        { "```fence", "`\u200B`\u200B`fence" },
        { "@channel hello", "@\u200Bchannel hello" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void DigestIdeaText_RendersLiterallyEscaped(string text, string expected)
    {
        var messages = SlackMessageRenderer.RenderDigest(Digest(ideaText: text));

        Assert.Contains($"• #1 {expected} — Ada (in-flow)", messages.SelectMany(SectionTexts).SelectMany(t => t.Split('\n')));
        AssertInert(messages);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void DigestAuthorTagAndTeamName_RenderLiterallyEscaped(string text, string expected)
    {
        var digest = Digest(author: text, tag: text, team: text);

        var messages = SlackMessageRenderer.RenderDigest(digest);

        var json = string.Concat(messages.Select(Json));
        Assert.Contains($"— {expected} (in-flow)", json, StringComparison.Ordinal);
        // The builder normalises tags (lower case, no leading '#'); whatever it keeps is escaped.
        Assert.Contains($"*#{SlackText.Inline(digest.NewIdeaGroups[0].Tag)}*", json, StringComparison.Ordinal);
        Assert.Contains($"Improvement digest: {expected} · week of", messages[0].Text, StringComparison.Ordinal);
        AssertInert(messages);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void DirectMessages_EscapeNamesQuestionsAndIdeaText(string text, string expected)
    {
        var messages = SlackMessageRenderer.Render(new PromptMessage(1, new DateOnly(2025, 3, 14), text, [text]))
            .Concat(SlackMessageRenderer.Render(new FollowUpMessage(1, text, new DateOnly(2025, 3, 1), 1)))
            .Concat(SlackMessageRenderer.Render(new NoticeMessage(text)))
            .ToList();

        Assert.Contains($"Hi {expected}!", messages[0].Text, StringComparison.Ordinal);
        Assert.Contains($"1. {expected}", SectionTexts(messages[0]));
        Assert.Contains($"> {expected}", SectionTexts(messages[1]));
        AssertInert(messages);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void EphemeralReply_EscapesUserTextTheCoreEmbedded(string text, string expected)
    {
        // The core embeds user text Markdown-escaped (as /ideas does); Slack gets the raw words, escaped its way.
        var reply = new Reply($"Team ideas:\n#7 {MarkdownText.Escape(text)} — Ada", [new ChatAction(FollowUpActions.Vote(7), "+1 #7")]);

        var json = SlackReplies.Ephemeral(reply);

        var shown = Text(json["blocks"]![0]!["text"]);
        Assert.Equal($"Team ideas:\n#7 {expected} — Ada", shown.Replace("@\u200B\u200B", "@\u200B", StringComparison.Ordinal));
        AssertInert(Strings(json), Json(json));
        Assert.All(TextObjects(json).Where(t => Type(t) == "mrkdwn"), t => Assert.True((bool)t["verbatim"]!));
    }

    [Fact]
    public void Modal_EscapesQuestionLabelsAndPlaceholder()
    {
        var form = new ChatForm("reflect:submit:1", "Reflect <!here>",
            [new ChatFormField("q0", "Why <!channel>?", true, false, 4000, "e.g. <@U1>")]);

        var view = SlackReplies.Modal(form);

        Assert.Equal("Why &lt;!channel&gt;?", Text(view["blocks"]![0]!["label"]));
        Assert.Equal("e.g. &lt;@U1&gt;", Text(view["blocks"]![0]!["element"]!["placeholder"]));
        AssertInert(Strings(view).Where(s => s != (string)view["private_metadata"]!), Json(view).Replace((string)view["private_metadata"]!, "", StringComparison.Ordinal));
    }

    private static void AssertInert(IReadOnlyList<SlackMessage> messages)
    {
        foreach (var message in messages)
        {
            AssertInert(Strings(message.Blocks).Append(message.Text), Json(message) + message.Text);
            Assert.All(TextObjects(message.Blocks).Where(t => Type(t) == "mrkdwn"), t => Assert.True((bool)t["verbatim"]!));
            Assert.DoesNotContain("link_names", Json(message), StringComparison.Ordinal);
            Assert.DoesNotContain("\"parse\"", Json(message), StringComparison.Ordinal);
        }
    }

    private static void AssertInert(IEnumerable<string> strings, string serialised)
    {
        // The renderers never write '<' themselves, so any '<' came from a person and would be a live sequence.
        Assert.DoesNotContain(strings, s => s.Contains('<', StringComparison.Ordinal));
        foreach (var live in new[] { "<!", "<@", "<#", "<http" })
            Assert.DoesNotContain(live, serialised, StringComparison.Ordinal);
    }

    private static TeamDigest Digest(string ideaText = "An idea", string author = "Ada", string tag = "reading", string team = "Vision Lab")
    {
        var start = new DateTimeOffset(2025, 3, 10, 0, 0, 0, TimeSpan.Zero);
        return DigestBuilder.Build(new DigestInput(team, new DateOnly(2025, 3, 10), start, start.AddDays(7), 3, 1, 0, [null],
        [
            new DigestIdeaRow(1, ideaText, [tag], IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, author, 0, start.AddDays(1), null),
        ]));
    }
}
