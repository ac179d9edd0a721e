using NodaTime;

namespace ImproveBot.Core.Commands;

/// <summary>
/// Parses the admin subcommands <c>/improve config ...</c> and <c>/improve digest now</c>. Whether the
/// member is an admin is checked later, by whoever handles an <see cref="IAdminCommand"/>.
/// </summary>
internal static class ConfigCommandParser
{
    public static readonly IReadOnlyList<string> ConfigKeys = ["schedule", "channel", "questions", "reminder"];

    public const int MaxQuestions = 5;
    public const int MaxQuestionLength = 300;

    private const long MinReminderMinutes = 15;
    private const long MaxReminderMinutes = 6 * 24 * 60;

    /// <param name="args">Everything after <c>/improve config</c>.</param>
    public static ParseResult ParseConfig(IReadOnlyList<string> args)
    {
        if (args.Count == 0) return ParseResult.Failure(CommandHints.ConfigUsage(null, null));

        var key = args[0].ToLowerInvariant();
        var rest = args.Skip(1).ToList();
        return key switch
        {
            "schedule" => ParseSchedule(rest),
            "channel" => ParseChannel(rest),
            "questions" => ParseQuestions(rest),
            "reminder" => ParseReminder(rest),
            _ => ParseResult.Failure(CommandHints.ConfigUsage(args[0], NearMiss.Closest(key, ConfigKeys))),
        };
    }

    /// <param name="args">Everything after <c>/improve digest</c>; only <c>now</c> is valid.</param>
    public static ParseResult ParseDigest(IReadOnlyList<string> args) =>
        args is [var word] && word.Equals("now", StringComparison.OrdinalIgnoreCase)
            ? new PostDigestNowCommand()
            : ParseResult.Failure(CommandHints.DigestUsage());

    /// <summary><c>schedule Fri 16:00 [Europe/Berlin]</c>; without a zone the team's zone is kept.</summary>
    private static ParseResult ParseSchedule(List<string> args)
    {
        if (args.Count < 2) return ParseResult.Failure(CommandHints.ScheduleUsage("When should the weekly prompt go out?"));
        if (!ArgumentParsers.TryParseDay(args[0], out var day)) return ParseResult.Failure(CommandHints.BadDay(args[0]));
        if (!ArgumentParsers.TryParseTime(args[1], out var time)) return ParseResult.Failure(CommandHints.BadTime(args[1]));
        if (args.Count == 2) return new ConfigureScheduleCommand(day, time, null);

        return ImproveCommandParser.ParseZone(string.Join(' ', args.Skip(2)), "/improve config schedule Fri 16:00", out var zoneId) is { } hint
            ? ParseResult.Failure(hint)
            : new ConfigureScheduleCommand(day, time, zoneId);
    }

    private static ParseResult ParseChannel(List<string> args)
    {
        if (args.Count == 0) return ParseResult.Failure(CommandHints.ChannelUsage(null));
        var typed = string.Join(' ', args);
        return ArgumentParsers.TryParseChannelId(typed, out var channelId)
            ? new ConfigureChannelCommand(channelId)
            : ParseResult.Failure(CommandHints.ChannelUsage(typed));
    }

    /// <summary><c>questions q1 | q2 | q3</c>: empty pieces (a trailing <c>|</c>) are ignored.</summary>
    private static ParseResult ParseQuestions(List<string> args)
    {
        var questions = string.Join(' ', args)
            .Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        if (questions.Length == 0)
            return ParseResult.Failure(CommandHints.QuestionsUsage("Which questions should the reflection ask?"));
        if (questions.Length > MaxQuestions)
            return ParseResult.Failure(CommandHints.QuestionsUsage(
                $"A reflection can have at most {MaxQuestions} questions; I counted {questions.Length}."));

        for (var i = 0; i < questions.Length; i++)
        {
            if (questions[i].Length > MaxQuestionLength)
                return ParseResult.Failure(CommandHints.QuestionsUsage(
                    $"Question {i + 1} has {questions[i].Length} characters; the limit is {MaxQuestionLength}."));
        }

        return new ConfigureQuestionsCommand(questions);
    }

    /// <summary><c>reminder 4h</c>, <c>90m</c>, <c>1d</c>; <c>off</c> or zero means no reminder.</summary>
    private static ParseResult ParseReminder(List<string> args)
    {
        if (args is [var word] && word.ToLowerInvariant() is "off" or "none")
            return new ConfigureReminderCommand(Duration.Zero);
        if (!ArgumentParsers.TryParseQuantity(args, out var amount, out var unit))
            return ParseResult.Failure(CommandHints.ReminderUsage(args.Count == 0
                ? "How long after the prompt should I remind people?"
                : $"{CommandHints.Code(string.Join(' ', args))} isn't a delay I can read."));

        // Zero in any unit ("0", "0h") is the same as "off".
        if (amount == 0) return new ConfigureReminderCommand(Duration.Zero);

        long? minutesPerUnit = unit switch
        {
            "m" or "min" or "mins" or "minute" or "minutes" => 1,
            "h" or "hr" or "hrs" or "hour" or "hours" => 60,
            "d" or "day" or "days" => 24 * 60,
            _ => null,
        };
        if (minutesPerUnit is null)
            return ParseResult.Failure(CommandHints.ReminderUsage(unit.Length == 0
                ? $"{amount} what? Add `m`, `h` or `d`."
                : $"{CommandHints.Code(unit)} isn't a unit I know."));

        // Range-check in plain minutes before building a Duration: "999999999d" is beyond what
        // Duration can hold and would throw. At most nine digits times 1,440 fits a long easily.
        var minutes = amount * minutesPerUnit.Value;
        if (minutes < MinReminderMinutes || minutes > MaxReminderMinutes)
            return ParseResult.Failure(CommandHints.ReminderUsage("That delay is out of range."));
        return new ConfigureReminderCommand(Duration.FromMinutes(minutes));
    }
}
