using System.Text;

namespace ImproveBot.Core.Commands;

/// <summary>The help text shown for <see cref="HelpCommand"/>: every command with a one-line description.</summary>
internal static class CommandHelp
{
    /// <param name="Topics">Words that select this entry in <c>/improve help &lt;topic&gt;</c>.</param>
    private sealed record Entry(string Usage, string Description, bool AdminOnly, params string[] Topics);

    private static readonly Entry[] Entries =
    [
        new("/idea <text> [#tag ...] [--private|--anon|--team]",
            "log an improvement idea, e.g. `/idea read with a question first #reading`", false, "idea", "tag", "tags", "private", "anon"),
        new("/ideas [mine|team] [#tag] [words]",
            "list ideas, e.g. `/ideas mine #reading paper`", false, "ideas", "list", "search"),
        new("/improve reflect", "start a short reflection now", false, "reflect", "reflection"),
        new("/improve status <id> <new|trying|adopted|dropped>",
            "update an idea's status, e.g. `/improve status 42 trying`", false, "status"),
        new("/improve vote <id>", "+1 an idea, e.g. `/improve vote 42`", false, "vote"),
        new("/improve pause <2w|10d> or /improve pause until <YYYY-MM-DD>",
            "no prompts for a while (1 day to 52 weeks)", false, "pause"),
        new("/improve resume", "end a pause early", false, "resume", "pause"),
        new("/improve optout", "stop taking part; `/improve optin` to come back", false, "optout", "optin"),
        new("/improve optin", "take part again", false, "optin", "optout"),
        new("/improve stats", "your ideas and reflections so far", false, "stats"),
        new("/improve tz <zone>", "set your time zone, e.g. `/improve tz Europe/Berlin`", false, "tz", "timezone", "zone"),
        new("/improve forget-me [confirm|keep-voted]",
            "delete everything the bot stores about you (shows what first; `confirm` deletes all, `keep-voted` keeps ideas others voted on, without your name)",
            false, "forget-me", "privacy"),
        new("/improve export", "get everything the bot stores about you, as JSON in your DMs", false, "export", "privacy"),
        new("/improve help [topic]", "this help, e.g. `/improve help pause`", false, "help"),
        new("/improve config schedule <day> <HH:mm> [zone]",
            "when the weekly prompt goes out, e.g. `/improve config schedule Fri 16:00 Europe/Berlin`", true, "config", "schedule"),
        new("/improve config channel <#channel>", "where the digest is posted", true, "config", "channel"),
        new("/improve config questions <q1 | q2 | q3>",
            "the reflection questions (1 to 5, separated by `|`)", true, "config", "questions"),
        new("/improve config reminder <4h|off>",
            "nudge people who haven't reflected, 15m to 6d after the prompt", true, "config", "reminder"),
        new("/improve digest now", "post the digest right away", true, "digest"),
    ];

    /// <summary>Every command, members' first, then a section for admins.</summary>
    public static string Overview { get; } = Build(Entries, "Here's what I can do:");

    /// <summary>
    /// Help for <see cref="HelpCommand.Topic"/>: the matching lines (e.g. <c>pause</c>, <c>config</c>,
    /// <c>idea</c>), or the overview when the topic is null or unknown.
    /// </summary>
    public static string For(string? topic)
    {
        if (string.IsNullOrWhiteSpace(topic)) return Overview;
        var key = topic.Trim().TrimStart('/').ToLowerInvariant();
        var matches = Entries.Where(e => e.Topics.Contains(key)).ToArray();
        return matches.Length == 0 ? Overview : Build(matches, "Here's how:");
    }

    private static string Build(IEnumerable<Entry> entries, string heading)
    {
        var text = new StringBuilder(heading).Append('\n');
        var adminHeadingWritten = false;
        foreach (var entry in entries.OrderBy(e => e.AdminOnly))
        {
            if (entry.AdminOnly && !adminHeadingWritten)
            {
                text.Append("For admins:\n");
                adminHeadingWritten = true;
            }
            text.Append("• `").Append(entry.Usage).Append("` — ").Append(entry.Description).Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }
}
