using ImproveBot.Core.Digest;

namespace ImproveBot.Core.Tests.Digest;

public class MarkdownTextTests
{
    [Theory]
    [InlineData("<!channel>", "\\<\\!channel\\>")]                                     // Slack broadcast made inert
    [InlineData("<@U123>", "\\<@U123\\>")]                                             // Slack/Discord user mention made inert
    [InlineData("@everyone", "@\u200Beveryone")]                                       // Discord mass mention defused
    [InlineData("hi @here and @Channel", "hi @\u200Bhere and @\u200BChannel")]
    [InlineData("[click](https://evil.example)", "\\[click\\]\\(https://evil\\.example\\)")] // no hidden link target
    [InlineData("`code`", "\\`code\\`")]
    [InlineData("**bold**", "\\*\\*bold\\*\\*")]
    [InlineData("a\\b", "a\\\\b")]                                                     // a user backslash cannot cancel ours
    [InlineData("1. ~x~ {y} _z_ + - ! |", "1\\. \\~x\\~ \\{y\\} \\_z\\_ \\+ \\- \\! \\|")]
    public void Escape_HostileInput_ExactEscapedOutput(string input, string expected) =>
        Assert.Equal(expected, MarkdownText.Escape(input));

    [Theory]
    [InlineData("line one\r\n\r\nline two\nthree\rfour", "line one line two three four")]
    [InlineData("  padded\n", "padded")]
    [InlineData("para\u2028graph", "para graph")]
    public void Escape_LineBreaks_CollapsedToSingleSpaces(string input, string expected) =>
        Assert.Equal(expected, MarkdownText.Escape(input));

    [Theory]
    [InlineData("Read one paper together each Friday")]
    [InlineData("ada@example")]       // ordinary @ left alone: only mass mentions are defused
    [InlineData("Café, naïve: 50% ok?")]
    public void Escape_PlainText_Unchanged(string input) =>
        Assert.Equal(input, MarkdownText.Escape(input));
}
