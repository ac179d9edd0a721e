using System.Globalization;

namespace ImproveBot.Core.Commands;

/// <summary>
/// Every hint the parser can give, in one place so the tone stays consistent: say what was wrong in one
/// short sentence, then show a command that would work, in backticks so it can be copied. Anything the
/// member typed is quoted through <see cref="InputText.Echo"/> so it cannot break the formatting.
/// </summary>
internal static class CommandHints
{
    public const string StatusList = "`new`, `trying`, `adopted` or `dropped`";
    public const string ConfigKeyList = "`schedule`, `channel`, `questions` and `reminder`";

    private const string IdeaExample = "`/idea read with a question first #reading`";
    private const string PauseExamples = "`/improve pause 2w` or `/improve pause until 2026-09-01`";
    private const string ZoneExamples = "`Europe/Berlin`, `America/New_York`, `Asia/Tokyo` or `UTC`";
    private const string ScheduleExample = "`/improve config schedule Fri 16:00 Europe/Berlin`";

    // ---- any command ----

    public static string NoCommand() =>
        $"Type a command, e.g. {IdeaExample}, or `/improve help` to see everything I can do.";

    public static string UnknownCommand(string typed, string? suggestion) => suggestion is null
        ? $"I don't know the command {Code("/" + typed)}. I understand `/idea`, `/ideas` and `/improve`; try `/improve help`."
        : $"I don't know the command {Code("/" + typed)}. Did you mean `/{suggestion}`?";

    public static string UnknownSubcommand(string typed, string? suggestion) => suggestion is null
        ? $"I don't know {Code("/improve " + typed)}. Try `/improve help` to see everything I can do."
        : $"I don't know {Code("/improve " + typed)}. Did you mean `{suggestion}`?";

    public static string NoArgumentsExpected(string subcommand) =>
        $"`/improve {subcommand}` doesn't take anything after it. Just type `/improve {subcommand}`.";

    // ---- /idea ----

    public static string EmptyIdea() =>
        $"What's your idea? Write it after the command, e.g. {IdeaExample}.";

    public static string TagsWithoutIdea() =>
        $"I only see tags; add a sentence describing the idea, e.g. {IdeaExample}.";

    public static string IdeaTooLong(int length, int limit) =>
        $"Ideas can be at most {Number(limit)} characters; yours has {Number(length)}. " +
        $"Shorten it or split it into two ideas, e.g. {IdeaExample}.";

    public static string TooManyTags(int count, int limit) =>
        $"An idea can have at most {limit} tags; I counted {count}. Keep the most useful ones, e.g. `/idea pair on code review #review #pairing`.";

    public static string TagTooLong(string tag, int limit) =>
        $"Tags can be at most {limit} characters: {Code("#" + tag)} is longer. Try a shorter one, e.g. `#reading`.";

    public static string ConflictingFlags(string first, string second) =>
        $"{Code(first)} and {Code(second)} contradict each other; pick one, e.g. `/idea try a shared reading list --anon`.";

    public static string UnknownFlag(string flag, string? suggestion) =>
        (suggestion is null ? $"I don't know the option {Code(flag)}." : $"I don't know the option {Code(flag)}. Did you mean `--{suggestion}`?") +
        " Use `--private`, `--anon` or `--team`, e.g. `/idea try a shared reading list --anon`.";

    // ---- /ideas ----

    public static string OneTagOnly() =>
        "I can filter by one tag at a time, e.g. `/ideas mine #reading paper`.";

    public static string ListTakesNoFlags(string flag) =>
        $"`/ideas` has no option {Code(flag)}. Use `mine` or `team`, a tag and search words, e.g. `/ideas mine #reading paper`.";

    public static string SearchTooLong(int limit) =>
        $"Search text can be at most {limit} characters; a few words are enough, e.g. `/ideas team code review`.";

    // ---- /improve status, vote ----

    public static string StatusUsage(string problem) =>
        $"{problem} A status is {StatusList}, e.g. `/improve status 42 trying`.";

    public static string BadIdeaId(string typed) =>
        $"{Code(typed)} isn't an idea number.";

    public static string UnknownStatus(string typed, string? suggestion) => suggestion is null
        ? $"{Code(typed)} isn't a status."
        : $"{Code(typed)} isn't a status. Did you mean `{suggestion}`?";

    public static string VoteUsage(string problem) =>
        $"{problem} Vote with the idea's number from `/ideas`, e.g. `/improve vote 42`.";

    // ---- /improve pause ----

    public static string PauseUsage() =>
        $"How long should I pause? Use a number of days or weeks, or a date: {PauseExamples}.";

    public static string PauseOutOfRange() =>
        $"A pause can be 1 day to 52 weeks, e.g. {PauseExamples}.";

    public static string PauseNeedsUnit(long amount) =>
        $"{Number(amount)} what? Add `d` for days or `w` for weeks, e.g. {PauseExamples}.";

    public static string BadPauseDate(string typed) =>
        $"{Code(typed)} isn't a date I can read. Write it as YYYY-MM-DD, e.g. `/improve pause until 2026-09-01`, or pause for a while: `/improve pause 2w`.";

    // ---- /improve tz ----

    public static string TimeZoneMissing() =>
        $"Which time zone? Use an IANA name such as {ZoneExamples}, e.g. `/improve tz Europe/Berlin`.";

    public static string UnknownTimeZone(string typed, string? suggestion, string command) =>
        (suggestion is null ? $"I don't know the time zone {Code(typed)}." : $"I don't know the time zone {Code(typed)}. Did you mean `{suggestion}`?") +
        $" Use an IANA name such as {ZoneExamples}, e.g. `{command} {suggestion ?? "Europe/Berlin"}`.";

    // ---- /improve forget-me ----

    public static string ForgetMeUsage() =>
        "To see what would be deleted, type `/improve forget-me`. To delete everything, type `/improve forget-me confirm`; " +
        "to delete everything but keep the ideas others voted on (without your name), type `/improve forget-me keep-voted`.";

    // ---- admin: /improve config, digest ----

    public static string ConfigUsage(string? typedKey, string? suggestion)
    {
        var start = typedKey is null
            ? "What should I configure?"
            : suggestion is null
                ? $"I can't configure {Code(typedKey)}."
                : $"I can't configure {Code(typedKey)}. Did you mean `/improve config {suggestion}`?";
        return $"{start} The settings are {ConfigKeyList}, e.g. {ScheduleExample}.";
    }

    public static string ScheduleUsage(string problem) =>
        $"{problem} Give a weekday and a 24-hour time, optionally a time zone, e.g. {ScheduleExample}.";

    public static string BadDay(string typed) =>
        ScheduleUsage($"{Code(typed)} isn't a weekday; use e.g. `Mon` or `Friday`.");

    public static string BadTime(string typed) =>
        ScheduleUsage($"{Code(typed)} isn't a time; use HH:mm from `00:00` to `23:59`.");

    public static string ChannelUsage(string? typed) =>
        (typed is null ? "Which channel?" : $"{Code(typed)} isn't a channel I can use.") +
        " Mention it (type `#` and pick it from the list) or paste its id, e.g. `/improve config channel C0123ABCD`.";

    public static string QuestionsUsage(string problem) =>
        $"{problem} Separate 1 to 5 questions with `|`, e.g. `/improve config questions What slowed you down? | What will you try next week?`.";

    public static string ReminderUsage(string problem) =>
        $"{problem} Use minutes, hours or days between 15m and 6d, or `off`, e.g. `/improve config reminder 4h`.";

    public static string DigestUsage() =>
        "To post the digest right away, type `/improve digest now`.";

    /// <summary>Member input in backticks, made safe by <see cref="InputText.Echo"/>.</summary>
    public static string Code(string typed) => $"`{InputText.Echo(typed)}`";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
