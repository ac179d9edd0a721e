using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Messaging;
using ImproveBot.Discord.Rendering;
using static ImproveBot.Discord.Tests.Rendering.DiscordJson;

namespace ImproveBot.Discord.Tests.Rendering;

/// <summary>
/// User text that would ping, link or reformat must render as the literal text wherever it appears, and no message may
/// allow any mention: <c>allowed_mentions</c> is <c>{"parse":[]}</c> on all of them.
/// </summary>
public sealed class InjectionTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly DiscordRenderContext Dm = new("290926798626357999", PlainRepliesCount: true);

    /// <summary>Hostile text and exactly how it must come out (U+200B after @ breaks the mass mentions).</summary>
    public static TheoryData<string, string> Hostile => new()
    {
        { "@everyone look", "@\u200Beveryone look" },
        { "@here now", "@\u200Bhere now" },
        { "hi <@123>", "hi \\<@123\\>" },
        { "ping <@!123>", "ping \\<@\\!123\\>" },
        { "role <@&456>", "role \\<@&456\\>" },
        { "see <#789>", "see \\<\\#789\\>" },
        { "[click](https://evil.example)", "\\[click\\]\\(https://evil\\.example\\)" },
        { "`code` and ```block```", "\\`code\\` and \\`\\`\\`block\\`\\`\\`" },
        { "**bold** __under__ ~~gone~~ ||spoiler||", "\\*\\*bold\\*\\* \\_\\_under\\_\\_ \\~\\~gone\\~\\~ \\|\\|spoiler\\|\\|" },
        { "# heading", "\\# heading" },
        { "> quote", "\\> quote" },
        { "-# small", "\\-\\# small" },
        { "<t:1700000000:R> <:emoji:1>", "\\<t:1700000000:R\\> \\<:emoji:1\\>" },
        { "line\nbreak\r\n- item", "line break \\- item" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void DigestIdeaText_RendersLiterally(string text, string expected)
    {
        var messages = DiscordMessageRenderer.RenderDigest(Digest(text, "Ada", "reading", "Lab"));

        var all = string.Join("\n", messages.SelectMany(Texts));
        Assert.Contains($"#1 {expected} — Ada", all, StringComparison.Ordinal);
        Assert.All(messages, AssertWithinLimits);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void DigestAuthorTagAndTeamName_RenderLiterally(string text, string expected)
    {
        var messages = DiscordMessageRenderer.RenderDigest(Digest("an idea", text, text.Replace(" ", "", StringComparison.Ordinal), text));

        var all = string.Join("\n", messages.SelectMany(Texts));
        Assert.Contains($"#1 an idea — {expected}", all, StringComparison.Ordinal);
        Assert.Contains($"Improvement digest: {expected} · week of", all, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void DirectMessages_EscapeNamesQuestionsAndIdeaText(string text, string expected)
    {
        var prompt = Assert.Single(DiscordMessageRenderer.Render(new PromptMessage(1, new DateOnly(2026, 11, 27), text, [text]), Dm));
        var followUp = Assert.Single(DiscordMessageRenderer.Render(new FollowUpMessage(1, text, new DateOnly(2026, 11, 13), 1), Dm));

        Assert.StartsWith($"Hi {expected}! Time for", prompt.Content);
        Assert.Equal($"1. {expected}", prompt.Embeds[0]["description"]!.GetValue<string>());
        Assert.Equal(expected, followUp.Embeds[0]["description"]!.GetValue<string>());
    }

    [Fact]
    public void Raw_mention_syntax_never_survives_unescaped_anywhere()
    {
        const string evil = "@everyone @here <@123> <@&456> [click](https://evil.example) ```x```";
        var messages = DiscordMessageRenderer.RenderDigest(Digest(evil, evil, "t", evil))
            .Concat(DiscordMessageRenderer.Render(new PromptMessage(1, new DateOnly(2026, 11, 27), evil, [evil]), Dm))
            .Concat(DiscordMessageRenderer.Render(new FollowUpMessage(1, evil, new DateOnly(2026, 11, 13), 1), Dm))
            .Concat(DiscordMessageRenderer.Render(new NoticeMessage(evil), Dm))
            .ToList();

        foreach (var text in messages.SelectMany(Texts))
        {
            Assert.DoesNotContain("@everyone", text, StringComparison.Ordinal);
            Assert.DoesNotContain("@here", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"(?<!\\)<@", text);
            Assert.DoesNotMatch(@"(?<!\\)\[click(?<!\\)\]", text);
            Assert.DoesNotMatch(@"(?<!\\)`", text.Replace("`/idea`", "", StringComparison.Ordinal).Replace("`/improve vote <id>`", "", StringComparison.Ordinal));
        }
        Assert.All(messages, m => Assert.Equal("""{"parse":[]}""", Json(m.ToJson()["allowed_mentions"]!)));
    }

    [Fact]
    public void EphemeralReply_KeepsTheCoresMarkdownAndSuppressesMentions()
    {
        // The core escapes user text in its replies (MarkdownText.Escape); Discord renders that Markdown as meant.
        var reply = new Reply($"Saved idea #3. It reads a lot like #1 \"{MarkdownText.Escape("<@123> [x](https://e.example)")}\".");

        var response = DiscordReplies.Ephemeral(reply, null);

        Assert.Equal(
            """{"type":4,"data":{"content":"Saved idea #3. It reads a lot like #1 \"\\<@123\\> \\[x\\]\\(https://e\\.example\\)\".","allowed_mentions":{"parse":[]},"flags":64}}""",
            Json(response));
    }

    [Fact]
    public void Modal_LabelsArePlainTextAndStayWithinTheirLimits()
    {
        var form = new ChatForm("reflect:submit:1", "Weekly improvement reflection",
            [new ChatFormField("q0", "@everyone " + new string('x', 300), true, false, 4000, "<@123> [x](y)")]);

        var modal = DiscordReplies.Modal(form, null);

        var label = modal["data"]!["components"]![0]!;
        Assert.Equal(45, label["label"]!.GetValue<string>().Length);
        Assert.Equal(100, label["description"]!.GetValue<string>().Length);
        Assert.Equal("<@123> [x](y)", label["component"]!["placeholder"]!.GetValue<string>()); // plain text: shown as typed, never a mention
    }

    private static TeamDigest Digest(string ideaText, string author, string tag, string teamName) =>
        DigestBuilder.Build(new DigestInput(teamName, new DateOnly(2026, 11, 20), Start, Start.AddDays(7), 3, 1, 0, [TimeSpan.FromMinutes(20)],
        [
            new DigestIdeaRow(1, ideaText, [tag], IdeaSource.Reflection, IdeaVisibility.Team, IdeaStatus.New, author, 0, Start.AddDays(1), null),
        ]));
}
