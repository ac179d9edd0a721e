using ImproveBot.Discord.Rendering;

namespace ImproveBot.Discord.Tests.Rendering;

public sealed class DiscordTextTests
{
    [Fact]
    public void Split_NeverSeparatesABackslashFromWhatItEscapes_AndLosesNothing()
    {
        var escaped = DiscordText.Inline(string.Concat(Enumerable.Repeat("a*b_c ", 500)));

        var pieces = DiscordText.Split(escaped, 97);

        Assert.All(pieces, p => Assert.InRange(p.Length, 1, 97));
        Assert.All(pieces, p => Assert.False(EndsWithLoneBackslash(p), $"piece ends on an escaping backslash: …{p[^5..]}"));
        Assert.Equal(escaped.Replace(" ", "", StringComparison.Ordinal), string.Concat(pieces).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Truncate_CutsBeforeAnEscapeRatherThanInsideIt()
    {
        var escaped = "abc\\*def";
        Assert.Equal("abc…", DiscordText.Truncate(escaped, 5));
        Assert.Equal(escaped, DiscordText.Truncate(escaped, 8));
    }

    [Fact]
    public void Shorten_KeepsSurrogatePairsWhole()
    {
        var text = new string('x', 8) + "😀😀";
        var shortened = DiscordText.Shorten(text, 10);
        Assert.Equal(new string('x', 8) + "…", shortened);
    }

    [Fact]
    public void Pack_JoinsLinesUpToTheLimitAndSplitsOnlyWhatIsTooLong()
    {
        var packed = DiscordText.Pack(["aaaa", "bbbb", "cccc", new string('d', 30)], 16);

        Assert.Equal(["aaaa\nbbbb\ncccc", "dddddddddddddddd", "dddddddddddddd"], packed);
    }

    private static bool EndsWithLoneBackslash(string piece)
    {
        var count = 0;
        for (var i = piece.Length - 1; i >= 0 && piece[i] == '\\'; i--) count++;
        return count % 2 == 1;
    }
}
