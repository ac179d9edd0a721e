using ImproveBot.Core.Ideas;
using NodaTime.Text;

namespace ImproveBot.Core.Commands;

/// <summary>Parses the arguments of <c>/improve &lt;subcommand&gt; ...</c>; admin settings go to <see cref="ConfigCommandParser"/>.</summary>
internal static class ImproveCommandParser
{
    /// <summary>The subcommands as documented; also the candidates for "Did you mean …?".</summary>
    public static readonly IReadOnlyList<string> Subcommands =
    [
        "reflect", "status", "vote", "pause", "resume", "optout", "optin", "stats", "tz", "forget-me", "export", "help",
        "config", "digest",
    ];

    private const int MaxPauseDays = 52 * 7;

    private static readonly Dictionary<string, IdeaStatus> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["new"] = IdeaStatus.New,
        ["trying"] = IdeaStatus.Trying,
        ["adopted"] = IdeaStatus.Adopted,
        ["dropped"] = IdeaStatus.Dropped,
    };

    /// <param name="words">Everything after <c>/improve</c>, split by <see cref="InputText.Words"/>.</param>
    public static ParseResult Parse(IReadOnlyList<string> words)
    {
        if (words.Count == 0) return new HelpCommand(null);

        var subcommand = words[0].ToLowerInvariant();
        var args = words.Skip(1).ToList();
        return subcommand switch
        {
            "reflect" => NoArguments(subcommand, args, new StartReflectionCommand()),
            "status" => ParseStatus(args),
            "vote" => ParseVote(args),
            "pause" => ParsePause(args),
            "resume" => NoArguments(subcommand, args, new ResumeCommand()),
            "optout" or "opt-out" => NoArguments("optout", args, new OptOutCommand()),
            "optin" or "opt-in" => NoArguments("optin", args, new OptInCommand()),
            "stats" => NoArguments(subcommand, args, new StatsCommand()),
            "tz" or "timezone" => ParseTimeZone(args),
            "forget-me" => ParseForgetMe(args),
            "export" => NoArguments(subcommand, args, new ExportCommand()),
            "help" => new HelpCommand(args.Count == 0 ? null : args[0].TrimStart('/').ToLowerInvariant()),
            "config" => ConfigCommandParser.ParseConfig(args),
            "digest" => ConfigCommandParser.ParseDigest(args),
            _ => ParseResult.Failure(CommandHints.UnknownSubcommand(words[0], Suggest(subcommand))),
        };
    }

    /// <summary>"Did you mean" text for an unknown subcommand, including people reaching for <c>/idea</c> here.</summary>
    private static string? Suggest(string subcommand)
    {
        if (subcommand is "idea" or "ideas") return "/" + subcommand;
        var closest = NearMiss.Closest(subcommand, Subcommands);
        return closest is null ? null : "/improve " + closest;
    }

    // Strict on purpose: "/improve resume tomorrow" must not silently resume today.
    private static ParseResult NoArguments(string subcommand, List<string> args, BotCommand command) =>
        args.Count == 0 ? command : ParseResult.Failure(CommandHints.NoArgumentsExpected(subcommand));

    private static ParseResult ParseStatus(List<string> args)
    {
        if (args.Count == 0)
            return ParseResult.Failure(CommandHints.StatusUsage("Which idea, and what's its new status?"));
        if (!ArgumentParsers.TryParseIdeaId(args[0], out var id))
            return ParseResult.Failure(CommandHints.StatusUsage(CommandHints.BadIdeaId(args[0])));
        if (args.Count == 1)
            return ParseResult.Failure(CommandHints.StatusUsage($"What's the new status of idea #{id}?"));
        if (!Statuses.TryGetValue(args[1], out var status))
            return ParseResult.Failure(CommandHints.StatusUsage(
                CommandHints.UnknownStatus(args[1], NearMiss.Closest(args[1], Statuses.Keys))));
        if (args.Count > 2)
            return ParseResult.Failure(CommandHints.StatusUsage("That's more than an idea number and a status."));
        return new SetIdeaStatusCommand(id, status);
    }

    private static ParseResult ParseVote(List<string> args)
    {
        if (args.Count == 0) return ParseResult.Failure(CommandHints.VoteUsage("Which idea?"));
        if (!ArgumentParsers.TryParseIdeaId(args[0], out var id))
            return ParseResult.Failure(CommandHints.VoteUsage(CommandHints.BadIdeaId(args[0])));
        if (args.Count > 1) return ParseResult.Failure(CommandHints.VoteUsage("One idea at a time."));
        return new VoteCommand(id);
    }

    /// <summary><c>pause 2w</c>, <c>pause 10d</c>, <c>pause 2 weeks</c> or <c>pause until 2026-09-01</c>.</summary>
    private static ParseResult ParsePause(List<string> args)
    {
        if (args.Count == 0) return ParseResult.Failure(CommandHints.PauseUsage());

        if (args[0].Equals("until", StringComparison.OrdinalIgnoreCase))
        {
            if (args.Count != 2) return ParseResult.Failure(CommandHints.PauseUsage());
            // Strict ISO: "2026-13-01" and "2026-02-30" fail here. Whether the date is in the past
            // depends on the member's zone and today's date, which the handler knows and we do not.
            var date = LocalDatePattern.Iso.Parse(args[1]);
            return date.Success ? new PauseUntilCommand(date.Value) : ParseResult.Failure(CommandHints.BadPauseDate(args[1]));
        }

        if (!ArgumentParsers.TryParseQuantity(args, out var amount, out var unit))
            return ParseResult.Failure(CommandHints.PauseUsage());
        long? days = unit switch
        {
            "d" or "day" or "days" => amount,
            "w" or "wk" or "wks" or "week" or "weeks" => amount * 7,
            _ => null,
        };
        if (days is null)
            return ParseResult.Failure(unit.Length == 0 ? CommandHints.PauseNeedsUnit(amount) : CommandHints.PauseUsage());
        if (days is < 1 or > MaxPauseDays) return ParseResult.Failure(CommandHints.PauseOutOfRange());
        return new PauseForCommand((int)days.Value);
    }

    private static ParseResult ParseTimeZone(List<string> args)
    {
        if (args.Count == 0) return ParseResult.Failure(CommandHints.TimeZoneMissing());
        return ParseZone(string.Join(' ', args), "/improve tz", out var zoneId) is { } hint
            ? ParseResult.Failure(hint)
            : new SetTimeZoneCommand(zoneId);
    }

    /// <summary>Looks up a zone for <c>tz</c> and <c>config schedule</c>; returns a hint, or null when found.</summary>
    internal static string? ParseZone(string typed, string command, out string zoneId) =>
        TimeZoneLookup.TryFind(typed, out zoneId)
            ? null
            : CommandHints.UnknownTimeZone(typed, TimeZoneLookup.Suggest(typed), command);

    private static ParseResult ParseForgetMe(List<string> args)
    {
        if (args.Count == 0) return new ForgetMeCommand(Confirmed: false);
        // "confirm" deletes everything; "keep-voted" (alone or with "confirm", in any order) keeps voted ideas without a name.
        // Anything else ("forget-me please", "forget-me yes") must not count as confirmation.
        var words = args.Select(a => a.ToLowerInvariant()).ToList();
        if (words.Count > 2 || words.Distinct().Count() != words.Count || words.Any(w => w is not ("confirm" or KeepVoted)))
            return ParseResult.Failure(CommandHints.ForgetMeUsage());
        return new ForgetMeCommand(Confirmed: true, KeepVotedIdeas: words.Contains(KeepVoted));
    }

    private const string KeepVoted = "keep-voted";
}
