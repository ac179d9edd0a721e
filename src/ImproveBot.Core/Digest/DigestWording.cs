using System.Globalization;
using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Digest;

/// <summary>The words every digest renderer uses for the same things, so Markdown, Slack and Discord say them alike.</summary>
internal static class DigestWording
{
    public static string SourceName(IdeaSource source) => source switch
    {
        IdeaSource.InFlow => "in-flow",
        IdeaSource.Reflection => "reflection",
        _ => source.ToString().ToLowerInvariant(),
    };

    public static string StatusName(IdeaStatus status) => status switch
    {
        IdeaStatus.Adopted => "Adopted",
        IdeaStatus.Trying => "Trying",
        IdeaStatus.Dropped => "Dropped",
        _ => status.ToString(),
    };

    public static string VoteCount(int votes) => votes == 1 ? "1 vote" : $"{Number(votes)} votes";

    public static string IdeaCount(int ideas) => ideas == 1 ? "1 idea" : $"{Number(ideas)} ideas";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A line break would end the list item or heading the text sits in, so each run of them becomes one space.</summary>
    public static string CollapseLineBreaks(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        var inBreak = false;
        foreach (var c in text)
        {
            if (IsLineBreak(c))
            {
                if (!inBreak) builder.Append(' ');
                inBreak = true;
                continue;
            }
            inBreak = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    public static bool IsLineBreak(char c) => c is '\n' or '\r' or '\v' or '\f' or '\u0085' or '\u2028' or '\u2029';
}
