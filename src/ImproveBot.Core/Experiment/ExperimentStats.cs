using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Experiment;

/// <summary>
/// The built-in experiment: in-flow capture (<c>/idea</c> during the week) against deliberate reflection. Pure
/// functions over facts; the clock is the <c>now</c> parameter. A window of N weeks holds what happened in
/// [now − N·7 days, now], both ends included (ideas by creation, reflections by submission).
/// </summary>
internal static class ExperimentStats
{
    public const string BasisRating = "rating";
    public const string BasisAdoption = "adoption";

    /// <summary>Below this many ideas in total, "which source gives more" is too early to tell.</summary>
    public const int MinIdeasTotal = 10;

    /// <summary>Below this many ideas in either source, "which source gives more" is too early to tell.</summary>
    public const int MinIdeasPerSource = 3;

    /// <summary>Ratings decide "better" when each source has at least this many rated ideas.</summary>
    public const int MinRatedPerSource = 3;

    /// <summary>Average ratings closer than this count as a tie.</summary>
    public const double RatingTieBelow = 0.5;

    /// <summary>Otherwise adoption decides when each source has at least this many finished (adopted or dropped) ideas.</summary>
    public const int MinResolvedPerSource = 5;

    /// <summary>Adoption shares closer than this (10 percentage points) count as a tie.</summary>
    public const double AdoptionTieBelow = 0.10;

    /// <summary>Ideas per hour is only given from this many known reflection hours on (6 minutes).</summary>
    public const double MinKnownHours = 0.1;

    /// <summary>
    /// One member's own comparison over the last 4 and 12 weeks, private ideas included, plus their reflection streak.
    /// Only the member's ideas and reflections are used, whatever else the lists hold.
    /// </summary>
    public static MemberStats ForMember(
        long memberId,
        IReadOnlyList<IdeaFact> ideas,
        IReadOnlyList<ReflectionFact> reflections,
        IReadOnlyList<RoundFact> rounds,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ideas);
        ArgumentNullException.ThrowIfNull(reflections);
        ArgumentNullException.ThrowIfNull(rounds);

        var own = ideas.Where(i => i.AuthorId == memberId).ToList();
        var ownReflections = reflections.Where(r => r.MemberId == memberId).ToList();
        return new MemberStats(
            Window(4, own, ownReflections, now),
            Window(12, own, ownReflections, now),
            Streak(ownReflections, rounds));
    }

    /// <summary>
    /// The team's comparison over the last <paramref name="weeks"/> weeks. Private ideas are dropped before anything
    /// is counted, so they cannot influence any figure or verdict. Reflections count whoever wrote them.
    /// </summary>
    public static TeamExperiment ForTeam(
        IReadOnlyList<IdeaFact> ideas,
        IReadOnlyList<ReflectionFact> reflections,
        DateTimeOffset now,
        int weeks = 4)
    {
        ArgumentNullException.ThrowIfNull(ideas);
        ArgumentNullException.ThrowIfNull(reflections);
        ArgumentOutOfRangeException.ThrowIfLessThan(weeks, 1);

        var shared = ideas.Where(i => i.Visibility != IdeaVisibility.Private).ToList();
        var from = WindowStart(now, weeks);
        var inWindow = shared.Where(i => InWindow(i.CreatedAt, from, now)).ToList();
        var inFlow = Tally.Of(inWindow.Where(i => i.Source == IdeaSource.InFlow));
        var reflection = Tally.Of(inWindow.Where(i => i.Source == IdeaSource.Reflection));
        var time = ReflectionTime.Of(reflections.Where(r => InWindow(r.SubmittedAt, from, now)));
        var (better, basis) = CompareQuality(reflection, inFlow);

        return new TeamExperiment(
            weeks,
            inFlow.Figures(),
            reflection.Figures(),
            time.Count,
            time.KnownHours,
            PerHour(reflection.Ideas, time.KnownHours),
            CompareQuantity(reflection.Ideas, inFlow.Ideas),
            better,
            basis,
            inFlow.Ideas + reflection.Ideas,
            inFlow.Rated + reflection.Rated);
    }

    private static WindowStats Window(int weeks, List<IdeaFact> ideas, List<ReflectionFact> reflections, DateTimeOffset now)
    {
        var from = WindowStart(now, weeks);
        var inWindow = ideas.Where(i => InWindow(i.CreatedAt, from, now)).ToList();
        var inFlow = Tally.Of(inWindow.Where(i => i.Source == IdeaSource.InFlow));
        var reflection = Tally.Of(inWindow.Where(i => i.Source == IdeaSource.Reflection));
        var time = ReflectionTime.Of(reflections.Where(r => InWindow(r.SubmittedAt, from, now)));
        return new WindowStats(
            weeks,
            inFlow.Figures(),
            reflection.Figures(),
            time.Count,
            time.Timed,
            time.KnownHours,
            PerHour(reflection.Ideas, time.KnownHours));
    }

    /// <summary>
    /// Consecutive rounds, newest first, that the member answered. A round the member has not answered ends the
    /// streak if it is closed and is skipped if it is still open. Rounds with the same date count once.
    /// </summary>
    private static int Streak(List<ReflectionFact> reflections, IReadOnlyList<RoundFact> rounds)
    {
        var answered = reflections.Select(r => r.RoundDate).ToHashSet();
        var ordered = rounds
            .GroupBy(r => r.PromptDate)
            .Select(g => new RoundFact(g.Key, g.Any(r => r.IsOpen)))
            .OrderByDescending(r => r.PromptDate);

        var streak = 0;
        foreach (var round in ordered)
        {
            if (answered.Contains(round.PromptDate)) streak++;
            else if (round.IsOpen) continue;
            else break;
        }
        return streak;
    }

    private static Verdict CompareQuantity(int reflection, int inFlow)
    {
        if (reflection + inFlow < MinIdeasTotal || reflection < MinIdeasPerSource || inFlow < MinIdeasPerSource)
            return Verdict.TooFewToTell;
        return reflection > inFlow ? Verdict.Reflection
            : inFlow > reflection ? Verdict.InFlow
            : Verdict.Tie;
    }

    /// <summary>
    /// Ratings first, adoption of finished ideas second. The comparisons are done on integers (cross-multiplied) so a
    /// difference of exactly 0.5 or exactly 10 points is never lost to floating-point rounding.
    /// </summary>
    private static (Verdict Verdict, string Basis) CompareQuality(Tally reflection, Tally inFlow)
    {
        if (reflection.Rated >= MinRatedPerSource && inFlow.Rated >= MinRatedPerSource)
        {
            // avgR − avgI = (sumR·nI − sumI·nR) / (nR·nI); a tie when |that| < 0.5, i.e. 2·|numerator| < nR·nI.
            long numerator = (long)reflection.ValueSum * inFlow.Rated - (long)inFlow.ValueSum * reflection.Rated;
            long denominator = (long)reflection.Rated * inFlow.Rated;
            return (Decide(numerator, denominator, 2), BasisRating);
        }

        if (reflection.Resolved >= MinResolvedPerSource && inFlow.Resolved >= MinResolvedPerSource)
        {
            // shareR − shareI = (aR·rI − aI·rR) / (rR·rI); a tie when |that| < 0.10, i.e. 10·|numerator| < rR·rI.
            long numerator = (long)reflection.Adopted * inFlow.Resolved - (long)inFlow.Adopted * reflection.Resolved;
            long denominator = (long)reflection.Resolved * inFlow.Resolved;
            return (Decide(numerator, denominator, 10), BasisAdoption);
        }

        return (Verdict.TooFewToTell, "");
    }

    /// <summary>The difference is numerator/denominator; it is a tie when below 1/<paramref name="tieScale"/>.</summary>
    private static Verdict Decide(long numerator, long denominator, int tieScale) =>
        Math.Abs(numerator) * tieScale < denominator ? Verdict.Tie
        : numerator > 0 ? Verdict.Reflection
        : Verdict.InFlow;

    private static double? PerHour(int ideas, double knownHours) =>
        knownHours < MinKnownHours ? null : ideas / knownHours;

    private static DateTimeOffset WindowStart(DateTimeOffset now, int weeks) => now - TimeSpan.FromDays(7 * weeks);

    private static bool InWindow(DateTimeOffset at, DateTimeOffset from, DateTimeOffset now) => at >= from && at <= now;

    private static bool IsRated(IdeaFact idea) => idea.Value is >= 1 and <= 5;

    /// <summary>Running counts for one source; keeps the rating sum so verdicts can compare exactly.</summary>
    private readonly record struct Tally(int Ideas, int Tried, int Adopted, int Resolved, int Rated, int ValueSum)
    {
        public static Tally Of(IEnumerable<IdeaFact> ideas)
        {
            int count = 0, tried = 0, adopted = 0, resolved = 0, rated = 0, sum = 0;
            foreach (var idea in ideas)
            {
                count++;
                if (idea.Tried) tried++;
                if (idea.Status == IdeaStatus.Adopted) adopted++;
                if (idea.Status is IdeaStatus.Adopted or IdeaStatus.Dropped) resolved++;
                if (IsRated(idea))
                {
                    rated++;
                    sum += idea.Value!.Value;
                }
            }
            return new Tally(count, tried, adopted, resolved, rated, sum);
        }

        public SourceFigures Figures() =>
            new(Ideas, Tried, Adopted, Resolved, Rated, Rated == 0 ? null : (double)ValueSum / Rated);
    }

    /// <summary>Reflections in a window and the time known for them (durations summed in ticks, so exactly).</summary>
    private readonly record struct ReflectionTime(int Count, int Timed, double KnownHours)
    {
        public static ReflectionTime Of(IEnumerable<ReflectionFact> reflections)
        {
            int count = 0, timed = 0;
            var known = TimeSpan.Zero;
            foreach (var reflection in reflections)
            {
                count++;
                if (reflection.Duration is { } duration && duration >= TimeSpan.Zero)
                {
                    timed++;
                    known += duration;
                }
            }
            return new ReflectionTime(count, timed, known.TotalHours);
        }
    }
}
