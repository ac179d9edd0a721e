using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Digest;

/// <summary>
/// A team's weekly digest, independent of any chat platform. Built by <see cref="DigestBuilder"/>;
/// rendered by <see cref="MarkdownDigestRenderer"/> (or a platform-specific renderer).
/// Private ideas are never part of it; anonymous ideas carry no author.
/// </summary>
/// <param name="TeamName">Team display name (raw; renderers escape it).</param>
/// <param name="RoundDate">The week's prompt date.</param>
/// <param name="PeriodStart">Start of the covered period, inclusive.</param>
/// <param name="PeriodEnd">End of the covered period, exclusive.</param>
/// <param name="Participation">How many were prompted, reflected and skipped, as counts only.</param>
/// <param name="NewIdeaGroups">Ideas created in the period, grouped by first tag; the untagged group comes last.</param>
/// <param name="MostVoted">Up to five open ideas with votes, most votes first.</param>
/// <param name="StatusChanges">Ideas that became Adopted, Trying or Dropped in the period, in that order.</param>
/// <param name="SourceCounts">In-flow vs reflection counts for the new ideas: the product's built-in experiment.</param>
internal sealed record TeamDigest(
    string TeamName,
    DateOnly RoundDate,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    DigestParticipation Participation,
    IReadOnlyList<DigestIdeaGroup> NewIdeaGroups,
    IReadOnlyList<DigestIdea> MostVoted,
    IReadOnlyList<DigestIdea> StatusChanges,
    DigestSourceCounts SourceCounts,
    IReadOnlyList<DigestIdea>? Outcomes = null,
    Experiment.TeamExperiment? Experiment = null)
{
    /// <summary>
    /// Nothing worth reporting: nobody reflected and no idea is new, voted on or changed status.
    /// Skips alone do not make a week non-empty; the renderer then says so kindly instead of listing zeros.
    /// </summary>
    public bool IsEmpty =>
        Participation.Reflected == 0
        && NewIdeaGroups.Count == 0
        && MostVoted.Count == 0
        && StatusChanges.Count == 0
        && (Outcomes?.Count ?? 0) == 0;
}

/// <summary>Participation as counts only: the digest never says who did not answer.</summary>
/// <param name="Prompted">Prompts delivered this round.</param>
/// <param name="Reflected">Members who submitted a reflection.</param>
/// <param name="Skipped">Members who chose to skip this week.</param>
/// <param name="MedianReflectionMinutes">Median of the known reflection durations in minutes, one decimal; null when none is known.</param>
/// <param name="UnknownDurations">Reflections whose duration is unknown (plain replies).</param>
internal sealed record DigestParticipation(
    int Prompted,
    int Reflected,
    int Skipped,
    double? MedianReflectionMinutes,
    int UnknownDurations);

/// <summary>New ideas sharing a first tag.</summary>
/// <param name="Tag">Normalised tag (lower case, no leading <c>#</c>), or <see cref="OtherTag"/> for untagged ideas.</param>
/// <param name="Ideas">Most votes first, then oldest first.</param>
internal sealed record DigestIdeaGroup(string Tag, IReadOnlyList<DigestIdea> Ideas)
{
    /// <summary>Group name for ideas without a tag; this group is always listed last.</summary>
    public const string OtherTag = "other";
}

/// <summary>An idea as the team may see it.</summary>
/// <param name="Id">Store id, shown so people can <c>/improve vote 42</c>.</param>
/// <param name="Text">Raw idea text; renderers escape it.</param>
/// <param name="Author">Author's display name; null for anonymous ideas.</param>
/// <param name="Votes">Current vote count.</param>
/// <param name="Source">Logged in-flow or written during a reflection.</param>
/// <param name="Tags">Tags as stored.</param>
/// <param name="Status">Current status.</param>
internal sealed record DigestIdea(
    long Id,
    string Text,
    string? Author,
    int Votes,
    IdeaSource Source,
    IReadOnlyList<string> Tags,
    IdeaStatus Status,
    IdeaOutcome? Outcome = null,
    int? Value = null);

/// <summary>Where this period's new ideas came from, and how productive reflection time was.</summary>
/// <param name="InFlow">New ideas logged in-flow.</param>
/// <param name="Reflection">New ideas written during reflections.</param>
/// <param name="KnownReflectionHours">Total of the known reflection durations this round, in hours.</param>
/// <param name="IdeasPerReflectionHour"><paramref name="Reflection"/> / <paramref name="KnownReflectionHours"/>; null when less than <see cref="DigestBuilder.MinimumHoursForRate"/> hours are known.</param>
internal sealed record DigestSourceCounts(
    int InFlow,
    int Reflection,
    double KnownReflectionHours,
    double? IdeasPerReflectionHour);
