using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Digest;

/// <summary>
/// Everything <see cref="DigestBuilder"/> needs for one team's weekly digest, as plain rows.
/// The caller queries the store; the builder never touches a database or a chat platform.
/// </summary>
/// <param name="TeamName">Display name of the team, shown in the heading.</param>
/// <param name="RoundDate">The week's prompt date.</param>
/// <param name="PeriodStart">Start of the covered period, inclusive.</param>
/// <param name="PeriodEnd">End of the covered period, exclusive.</param>
/// <param name="MembersPrompted">Prompts delivered this round.</param>
/// <param name="MembersReflected">Members who submitted a reflection this round.</param>
/// <param name="MembersSkipped">Members who pressed "skip this week".</param>
/// <param name="ReflectionDurations">One entry per reflection this round; null when the duration is unknown (plain reply).</param>
/// <param name="Ideas">
/// Every idea of the team that is new in the period, changed status in the period, or is open (New/Trying) with votes.
/// Private ideas may be included; the builder drops them before anything else.
/// </param>
internal sealed record DigestInput(
    string TeamName,
    DateOnly RoundDate,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    int MembersPrompted,
    int MembersReflected,
    int MembersSkipped,
    IReadOnlyList<TimeSpan?> ReflectionDurations,
    IReadOnlyList<DigestIdeaRow> Ideas,
    Experiment.TeamExperiment? Experiment = null);

/// <summary>One idea as read from the store, including its author's display name and vote count.</summary>
internal sealed record DigestIdeaRow(
    long Id,
    string Text,
    IReadOnlyList<string> Tags,
    IdeaSource Source,
    IdeaVisibility Visibility,
    IdeaStatus Status,
    string AuthorName,
    int Votes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StatusChangedAt,
    IdeaOutcome? Outcome = null,
    int? Value = null,
    DateTimeOffset? OutcomeAt = null);
