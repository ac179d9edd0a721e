using System.Text;

namespace ImproveBot.Core.Digest;

/// <summary>Makes user-supplied text safe to drop into a line of Markdown.</summary>
internal static class MarkdownText
{
    /// <summary>Characters that can start or end Markdown syntax (emphasis, links, code, headings, lists, tables, HTML).</summary>
    private const string Metacharacters = "\\`*_{}[]()#+-.!|<>~";

    /// <summary>Mentions that would ping a whole channel on Discord (@everyone, @here) or Slack (@channel, @here).</summary>
    private static readonly string[] MassMentions = ["everyone", "here", "channel"];

    /// <summary>Zero-width space: invisible to readers, but breaks the mention token so it does not ping.</summary>
    private const char ZeroWidthSpace = '\u200B';

    /// <summary>
    /// Escapes user text (idea text, names, tags, team name) so it renders literally on one line:
    /// backslash-escapes Markdown metacharacters, collapses line breaks into single spaces, trims,
    /// and defuses mass mentions (<c>@everyone</c> becomes <c>@</c>+U+200B+<c>everyone</c>).
    /// Platform mention syntax like <c>&lt;!channel&gt;</c> or <c>&lt;@U123&gt;</c> is made inert by the escaped <c>&lt;</c>.
    /// </summary>
    public static string Escape(string userText)
    {
        ArgumentNullException.ThrowIfNull(userText);
        var text = DigestWording.CollapseLineBreaks(userText).Trim();

        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (Metacharacters.Contains(c)) builder.Append('\\');
            builder.Append(c);
            if (c == '@' && StartsMassMention(text, i + 1)) builder.Append(ZeroWidthSpace);
        }
        return builder.ToString();
    }

    private static bool StartsMassMention(string text, int index) =>
        // Case-insensitive on purpose: over-defusing "@Here" costs nothing, missing a variant pings everyone.
        MassMentions.Any(word => text.AsSpan(index).StartsWith(word, StringComparison.OrdinalIgnoreCase));

}
