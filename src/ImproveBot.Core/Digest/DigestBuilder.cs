using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Digest;

/// <summary>
/// Turns plain rows into a <see cref="TeamDigest"/>. Pure and deterministic: the same input always gives an equal digest,
/// every ordering has a final tie-break on the idea id, and nothing reads the clock or the current culture.
/// </summary>
internal static class DigestBuilder
{
    /// <summary>How many ideas the "most voted" list shows.</summary>
    public const int MostVotedLimit = 5;

    /// <summary>Builds the digest for one team and one round.</summary>
    /// <exception cref="ArgumentException">The period ends before it starts.</exception>
    public static TeamDigest Build(DigestInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.PeriodEnd < input.PeriodStart)
            throw new ArgumentException("The digest period must not end before it starts.", nameof(input));

        // Privacy first: private ideas are dropped before anything is counted, so no list, count or rate
        // can reveal that a member keeps private notes. Duplicate rows (e.g. from a join) count once.
        var visible = input.Ideas
            .Where(row => row.Visibility != IdeaVisibility.Private)
            .DistinctBy(row => row.Id)
            .ToList();

        var newRows = visible.Where(row => InPeriod(row.CreatedAt, input)).ToList();
        var durations = KnownDurations(input.ReflectionDurations);

        return new TeamDigest(
            input.TeamName,
            input.RoundDate,
            input.PeriodStart,
            input.PeriodEnd,
            BuildParticipation(input, durations),
            GroupNewIdeas(newRows),
            MostVoted(visible),
            StatusChanges(visible, input),
            CountSources(newRows, durations),
            Outcomes(visible, input),
            input.Experiment);
    }

    private static bool InPeriod(DateTimeOffset at, DigestInput input) =>
        at >= input.PeriodStart && at < input.PeriodEnd;

    /// <summary>Durations that can be used in arithmetic; negative ones are treated as unknown rather than trusted.</summary>
    private static List<TimeSpan> KnownDurations(IReadOnlyList<TimeSpan?> durations) =>
        durations.Where(d => d is { } value && value >= TimeSpan.Zero).Select(d => d!.Value).ToList();

    private static DigestParticipation BuildParticipation(DigestInput input, List<TimeSpan> known) =>
        new(
            input.MembersPrompted,
            input.MembersReflected,
            input.MembersSkipped,
            MedianMinutes(known),
            input.ReflectionDurations.Count - known.Count);

    private static double? MedianMinutes(List<TimeSpan> known)
    {
        if (known.Count == 0) return null;
        var minutes = known.Select(d => d.TotalMinutes).Order().ToArray();
        var middle = minutes.Length / 2;
        var median = minutes.Length % 2 == 1 ? minutes[middle] : (minutes[middle - 1] + minutes[middle]) / 2;
        // AwayFromZero so 18.25 shows as 18.3, the way people round by hand.
        return Math.Round(median, 1, MidpointRounding.AwayFromZero);
    }

    private static ValueList<DigestIdeaGroup> GroupNewIdeas(List<DigestIdeaRow> newRows) =>
        newRows
            .GroupBy(row => GroupTag(row.Tags), StringComparer.Ordinal)
            .Select(group => new DigestIdeaGroup(group.Key, ByVotesThenAge(group).Select(ToIdea).ToValueList()))
            .OrderBy(group => group.Tag == DigestIdeaGroup.OtherTag) // false sorts first: "other" goes last
            .ThenByDescending(group => group.Ideas.Count)
            .ThenBy(group => group.Tag, StringComparer.Ordinal)
            .ToValueList();

    /// <summary>
    /// The group an idea files under: its first non-blank tag, normalised so "#Reading" and "reading" land together.
    /// A tag literally named "other" shares the untagged group, which is harmless.
    /// </summary>
    private static string GroupTag(IReadOnlyList<string> tags)
    {
        foreach (var tag in tags)
        {
            var normalised = tag.Trim().TrimStart('#').Trim().ToLowerInvariant();
            if (normalised.Length > 0) return normalised;
        }
        return DigestIdeaGroup.OtherTag;
    }

    private static ValueList<DigestIdea> MostVoted(List<DigestIdeaRow> visible) =>
        ByVotesThenAge(visible.Where(row => IsOpen(row.Status) && row.Votes > 0))
            .Take(MostVotedLimit)
            .Select(ToIdea)
            .ToValueList();

    private static bool IsOpen(IdeaStatus status) => status is IdeaStatus.New or IdeaStatus.Trying;

    /// <summary>
    /// Adopted, Trying, Dropped; a move back to New is not news and is left out, and so is a change the
    /// outcomes section already reports (an answered follow-up).
    /// </summary>
    private static ValueList<DigestIdea> StatusChanges(List<DigestIdeaRow> visible, DigestInput input) =>
        visible
            .Where(row => row.StatusChangedAt is { } at && InPeriod(at, input) && row.Status != IdeaStatus.New)
            .Where(row => !HasOutcomeInPeriod(row, input))
            .OrderBy(row => StatusOrder(row.Status))
            .ThenBy(row => row.StatusChangedAt)
            .ThenBy(row => row.Id)
            .Select(ToIdea)
            .ToValueList();

    private static int StatusOrder(IdeaStatus status) => status switch
    {
        IdeaStatus.Adopted => 0,
        IdeaStatus.Trying => 1,
        IdeaStatus.Dropped => 2,
        _ => 3,
    };

    /// <summary>Least total of timed reflection for which ideas per hour is reported.</summary>
    public const double MinimumHoursForRate = 0.1;

    private static DigestSourceCounts CountSources(List<DigestIdeaRow> newRows, List<TimeSpan> known)
    {
        var inFlow = newRows.Count(row => row.Source == IdeaSource.InFlow);
        var reflection = newRows.Count(row => row.Source == IdeaSource.Reflection);
        var hours = known.Sum(d => d.TotalHours);
        // Below a tenth of an hour of timed reflection a rate means nothing (one idea in a minute is
        // "60 per hour"), so the digest says nothing rather than something silly.
        double? perHour = hours >= MinimumHoursForRate ? reflection / hours : null;
        return new DigestSourceCounts(inFlow, reflection, hours, perHour);
    }

    private static IOrderedEnumerable<DigestIdeaRow> ByVotesThenAge(IEnumerable<DigestIdeaRow> rows) =>
        rows.OrderByDescending(row => row.Votes).ThenBy(row => row.CreatedAt).ThenBy(row => row.Id);

    /// <summary>
    /// The only place a row becomes visible to the team: anonymous ideas lose their author here.
    /// Only <see cref="IdeaVisibility.Team"/> keeps the name, so any future visibility fails closed.
    /// </summary>
    /// <summary>What authors reported this week from follow-ups: helped first (highest value first), then didn't help, then dropped untried.</summary>
    private static ValueList<DigestIdea> Outcomes(List<DigestIdeaRow> visible, DigestInput input) =>
        visible
            .Where(row => HasOutcomeInPeriod(row, input))
            .OrderBy(row => row.Outcome)
            .ThenByDescending(row => row.Value ?? 0)
            .ThenBy(row => row.Id)
            .Select(ToIdea)
            .ToValueList();

    private static bool HasOutcomeInPeriod(DigestIdeaRow row, DigestInput input) =>
        row.Outcome is not null && row.OutcomeAt is { } at && InPeriod(at, input);

    private static DigestIdea ToIdea(DigestIdeaRow row) =>
        new(
            row.Id,
            row.Text,
            row.Visibility == IdeaVisibility.Team ? row.AuthorName : null,
            row.Votes,
            row.Source,
            row.Tags.ToValueList(),
            row.Status,
            row.Outcome,
            row.Value);
}
