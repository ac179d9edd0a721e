using System.Text.Json;
using ImproveBot.Core.Digest;
using ImproveBot.Slack.Rendering;

namespace ImproveBot.Slack.Tests.Rendering;

public class SlackTextTests
{
    private const char Zwsp = SlackText.ZeroWidthSpace;

    [Fact]
    public void Escape_DocumentedVector_MatchesSlacksExampleAndItsFormEncoding()
    {
        using var vector = JsonDocument.Parse(SlackJson.Fixture("mrkdwn_escape_vector.json"));
        var input = vector.RootElement.GetProperty("input").GetString()!;

        var escaped = SlackText.Escape(input);

        Assert.Equal(vector.RootElement.GetProperty("escaped").GetString(), escaped);
        Assert.Equal(vector.RootElement.GetProperty("as_form_field").GetString(), "text=" + Uri.EscapeDataString(escaped));
    }

    [Theory]
    [InlineData("&<>", "&amp;&lt;&gt;")]
    [InlineData("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;")] // already escaped: escaped again, never decoded
    [InlineData("&amp;", "&amp;amp;")]
    [InlineData("\"quotes\" 'and' émoji 🌊 &nbsp;", "\"quotes\" 'and' émoji 🌊 &amp;nbsp;")] // nothing else is touched
    [InlineData("", "")]
    public void Escape_EscapesOnlyAmpersandLessAndGreaterThan_AmpersandFirst(string input, string expected) =>
        Assert.Equal(expected, SlackText.Escape(input));

    [Fact]
    public void Inline_FoldsLineBreaksSoUserTextStaysOnItsListLine()
    {
        Assert.Equal("first second third", SlackText.Inline("  first\r\n\r\nsecond\u2028third \n"));
    }

    [Theory]
    [InlineData("@channel look", "@\u200Bchannel look")]
    [InlineData("hi @HERE and @everyone", "hi @\u200BHERE and @\u200Beveryone")]
    [InlineData("@group", "@\u200Bgroup")]
    [InlineData("mail me@example.org", "mail me@example.org")]
    public void Inline_DefusesBareMassMentions(string input, string expected) =>
        Assert.Equal(expected, SlackText.Inline(input));

    [Fact]
    public void Inline_BreaksCodeFencesSoAnIdeaCannotSwallowTheNextLines()
    {
        Assert.Equal($"`{Zwsp}`{Zwsp}`code", SlackText.Inline("```code"));
        Assert.Equal("`one` tick is fine", SlackText.Inline("`one` tick is fine"));
    }

    [Fact]
    public void FromCoreMarkdown_UndoesTheCoresMarkdownEscaping()
    {
        const string raw = @"read *this* (1.5 h) #tag [x](y) back\slash <!channel> a_b ~c~ `d` 2-3 +1!";

        Assert.Equal(raw, SlackText.FromCoreMarkdown(MarkdownText.Escape(raw)));
        Assert.Equal("`/improve resume` stays", SlackText.FromCoreMarkdown("`/improve resume` stays"));
    }

    [Fact]
    public void Truncate_NeverSplitsAnEntityOrASurrogatePair()
    {
        var escaped = SlackText.Escape("ab<cd");      // "ab&lt;cd"
        Assert.Equal("ab…", SlackText.Truncate(escaped, 6)); // a cut at 5 would leave "ab&l"

        var emoji = "ab🌊🌊🌊";
        var cut = SlackText.Truncate(emoji, 4);       // a cut at 3 would split the first 🌊
        Assert.Equal("ab…", cut);
        Assert.Equal(emoji, SlackText.Truncate(emoji, 10));
    }

    [Fact]
    public void Split_KeepsEveryCharacterAndEveryEntityWhole()
    {
        var escaped = SlackText.Escape(string.Concat(Enumerable.Repeat("<&> ", 900)) + new string('x', 5000));

        var pieces = SlackText.Split(escaped, 3000);

        Assert.All(pieces, p => Assert.InRange(p.Length, 1, 3000));
        Assert.All(pieces, p => Assert.DoesNotMatch("&(?!amp;|lt;|gt;)", p));
        // Split at spaces drops just those spaces: the rest comes back in order.
        Assert.Equal(escaped.Replace(" ", "", StringComparison.Ordinal), string.Concat(pieces).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Pack_FillsTextsUpToTheLimitAndSplitsOverlongLines()
    {
        var lines = new[] { new string('a', 1000), new string('b', 1000), new string('c', 1000), new string('d', 7000) };

        var texts = SlackText.Pack(lines, 3000);

        Assert.All(texts, t => Assert.InRange(t.Length, 1, 3000));
        Assert.Equal(2001, texts[0].Length); // a + \n + b; adding c would pass 3,000
        Assert.Equal(10000, texts.Sum(t => t.Count(char.IsLetter)));
    }
}
