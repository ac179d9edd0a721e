using System.Text;
using ImproveBot.Core.Ideas;
using NodaTime;

namespace ImproveBot.Core.Commands;

// The typed result of parsing what a member typed on any platform. Handlers switch on the concrete
// record; the parser never decides permissions or looks at the clock, it only checks the shape.

/// <summary>A command the bot understood, whatever platform it was typed on.</summary>
internal abstract record BotCommand;

/// <summary>
/// Marks commands only team admins may run. The parser produces them for anyone; the dispatcher
/// checks the role, so a non-admin gets "admins only" instead of a confusing syntax hint.
/// </summary>
internal interface IAdminCommand;

/// <summary>Which ideas <c>/ideas</c> lists.</summary>
internal enum IdeaScope
{
    Team = 0,
    Mine = 1,
}

/// <summary><c>/idea &lt;text&gt; [#tag ...] [--private|--anon|--team]</c></summary>
/// <param name="Text">The idea, trimmed, single-spaced, tags and flags removed.</param>
/// <param name="Tags">Lower case, without <c>#</c>, distinct, in the order typed; at most 10.</param>
/// <param name="Visibility">Null when no flag was given: the team's default applies.</param>
internal sealed record LogIdeaCommand(string Text, IReadOnlyList<string> Tags, IdeaVisibility? Visibility) : BotCommand
{
    // Records compare lists by reference; two parses of the same text must be equal, so compare the
    // tags element by element.
    public bool Equals(LogIdeaCommand? other) =>
        other is not null && Text == other.Text && Visibility == other.Visibility && Tags.SequenceEqual(other.Tags);

    public override int GetHashCode() => HashCode.Combine(Text, Visibility, Tags.Count);

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Text = {Text}, Tags = [{string.Join(", ", Tags)}], Visibility = {Visibility}");
        return true;
    }
}

/// <summary><c>/ideas [mine|team] [#tag] [words]</c></summary>
/// <param name="Tag">Lower case, without <c>#</c>; null for all tags.</param>
/// <param name="Search">Words joined by single spaces; null when none were given.</param>
internal sealed record ListIdeasCommand(IdeaScope Scope, string? Tag, string? Search) : BotCommand;

/// <summary><c>/improve reflect</c>: start a reflection session now.</summary>
internal sealed record StartReflectionCommand : BotCommand;

/// <summary><c>/improve status &lt;id&gt; &lt;new|trying|adopted|dropped&gt;</c></summary>
internal sealed record SetIdeaStatusCommand(long IdeaId, IdeaStatus Status) : BotCommand;

/// <summary><c>/improve vote &lt;id&gt;</c></summary>
internal sealed record VoteCommand(long IdeaId) : BotCommand;

/// <summary><c>/improve pause 2w</c> or <c>10d</c>: 1 to 364 days.</summary>
internal sealed record PauseForCommand(int Days) : BotCommand;

/// <summary><c>/improve pause until 2026-09-01</c>. The parser has no clock: the handler rejects past dates.</summary>
internal sealed record PauseUntilCommand(LocalDate Date) : BotCommand;

/// <summary><c>/improve resume</c>: end a pause early.</summary>
internal sealed record ResumeCommand : BotCommand;

/// <summary><c>/improve optout</c>: stop taking part (no prompts, no digest mentions).</summary>
internal sealed record OptOutCommand : BotCommand;

/// <summary><c>/improve optin</c>: take part again.</summary>
internal sealed record OptInCommand : BotCommand;

/// <summary><c>/improve stats</c></summary>
internal sealed record StatsCommand : BotCommand;

/// <summary><c>/improve tz Europe/Berlin</c></summary>
/// <param name="ZoneId">A tzdb id spelled exactly as <c>DateTimeZoneProviders.Tzdb</c> knows it.</param>
internal sealed record SetTimeZoneCommand(string ZoneId) : BotCommand;

/// <summary>
/// <c>/improve forget-me [confirm|keep-voted]</c>; without either word the handler only explains the two choices.
/// </summary>
/// <param name="Confirmed">True to erase now.</param>
/// <param name="KeepVotedIdeas">
/// True to keep the member's team ideas that others voted on, with their text and votes but no link to the member;
/// false to delete every idea.
/// </param>
internal sealed record ForgetMeCommand(bool Confirmed, bool KeepVotedIdeas = false) : BotCommand;

/// <summary><c>/improve export</c>: everything stored about the member, as JSON in their DMs.</summary>
internal sealed record ExportCommand : BotCommand;

/// <summary><c>/improve help [topic]</c>; see <see cref="CommandHelp"/>.</summary>
/// <param name="Topic">Lower case, without a leading <c>/</c>; null for the overview.</param>
internal sealed record HelpCommand(string? Topic) : BotCommand;

/// <summary><c>/improve config schedule Fri 16:00 [Europe/Berlin]</c>: when the weekly reflection prompt goes out.</summary>
/// <param name="ZoneId">A tzdb id, or null to keep the team's current zone.</param>
internal sealed record ConfigureScheduleCommand(IsoDayOfWeek Day, LocalTime Time, string? ZoneId) : BotCommand, IAdminCommand;

/// <summary><c>/improve config channel &lt;#C0123ABCD&gt;</c>: where digests are posted.</summary>
/// <param name="ChannelId">The platform's bare channel id, mention syntax removed.</param>
internal sealed record ConfigureChannelCommand(string ChannelId) : BotCommand, IAdminCommand;

/// <summary><c>/improve config questions q1 | q2 | q3</c>: 1 to 5 reflection questions.</summary>
internal sealed record ConfigureQuestionsCommand(IReadOnlyList<string> Questions) : BotCommand, IAdminCommand
{
    // Same reason as LogIdeaCommand: value equality must include the list's contents.
    public bool Equals(ConfigureQuestionsCommand? other) =>
        other is not null && Questions.SequenceEqual(other.Questions);

    public override int GetHashCode() => Questions.Count;

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Questions = [{string.Join(" | ", Questions)}]");
        return true;
    }
}

/// <summary><c>/improve config reminder 4h</c>: how long after the prompt to nudge.</summary>
/// <param name="Delay">15 minutes to 6 days, or <see cref="Duration.Zero"/> for no reminder.</param>
internal sealed record ConfigureReminderCommand(Duration Delay) : BotCommand, IAdminCommand;

/// <summary><c>/improve digest now</c>: post the digest immediately instead of waiting for the schedule.</summary>
internal sealed record PostDigestNowCommand : BotCommand, IAdminCommand;
