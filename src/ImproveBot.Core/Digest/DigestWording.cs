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

    /// <summary>What a follow-up answer reported, as the digest's outcomes section says it.</summary>
    public static string OutcomeName(IdeaOutcome? outcome) => outcome switch
    {
        IdeaOutcome.Helped => "Helped",
        IdeaOutcome.DidNotHelp => "Tried, didn't help",
        _ => "Dropped untried",
    };

    /// <summary>" (value 4/5)" after an idea with a rating, nothing without one.</summary>
    public static string ValueSuffix(int? value) => value is { } v ? $" (value {Number(v)}/5)" : "";

    public static string VoteCount(int votes) => Wording.Count(votes, "vote");

    public static string IdeaCount(int ideas) => Wording.Count(ideas, "idea");

    public static string Number(long value) => Wording.Number(value);

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
