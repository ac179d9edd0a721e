namespace ImproveBot.Core.Experiment;

/// <summary>Which source the experiment favours on one question.</summary>
internal enum Verdict
{
    /// <summary>Not enough data to say anything yet.</summary>
    TooFewToTell = 0,
    Reflection = 1,
    InFlow = 2,
    Tie = 3,
}

/// <summary>
/// Counts for the ideas of one source in one window. <see cref="Resolved"/> counts ideas whose fate is settled
/// (status Adopted or Dropped); <see cref="Rated"/> counts ideas with a 1–5 value rating, and
/// <see cref="AverageValue"/> is their mean (null when none is rated).
/// </summary>
internal sealed record SourceFigures(int Ideas, int Tried, int Adopted, int Resolved, int Rated, double? AverageValue)
{
    public static SourceFigures Empty { get; } = new(0, 0, 0, 0, 0, null);

    /// <summary>Tried / Ideas; null when there are no ideas.</summary>
    public double? TriedShare => Share(Tried, Ideas);

    /// <summary>Adopted / Ideas; null when there are no ideas.</summary>
    public double? AdoptedShare => Share(Adopted, Ideas);

    /// <summary>Adopted / Resolved (how often a finished idea was kept); null when none is finished.</summary>
    public double? AdoptedOfResolvedShare => Share(Adopted, Resolved);

    private static double? Share(int part, int whole) => whole == 0 ? null : (double)part / whole;
}

/// <summary>
/// A member's figures over the last <see cref="Weeks"/> weeks. <see cref="KnownHours"/> sums the reflections whose
/// duration is known (<see cref="TimedReflections"/> of them); <see cref="IdeasPerHour"/> is reflection-source ideas
/// per known hour, null when less than 0.1 h is known.
/// </summary>
internal sealed record WindowStats(
    int Weeks,
    SourceFigures InFlow,
    SourceFigures Reflection,
    int Reflections,
    int TimedReflections,
    double KnownHours,
    double? IdeasPerHour)
{
    public int Ideas => InFlow.Ideas + Reflection.Ideas;

    public int UntimedReflections => Reflections - TimedReflections;

    /// <summary>Nothing at all happened in the window: no idea and no reflection.</summary>
    public bool IsEmpty => Ideas == 0 && Reflections == 0;
}

/// <summary>
/// A member's own comparison (private ideas included), for <c>/improve stats</c>. <see cref="Streak"/>: consecutive
/// rounds, newest first, with a reflection from the member (an open round not yet answered is skipped).
/// </summary>
internal sealed record MemberStats(WindowStats Last4, WindowStats Last12, int Streak);

/// <summary>
/// The team's comparison over the last <see cref="Weeks"/> weeks, private ideas excluded entirely.
/// <see cref="BetterBasis"/> is <see cref="ExperimentStats.BasisRating"/>, <see cref="ExperimentStats.BasisAdoption"/>
/// or empty when <see cref="BetterIdeas"/> is <see cref="Verdict.TooFewToTell"/>. <see cref="RestsOnIdeas"/> and
/// <see cref="RestsOnRated"/> count the (non-private) ideas in the window and how many of them are rated.
/// </summary>
internal sealed record TeamExperiment(
    int Weeks,
    SourceFigures InFlow,
    SourceFigures Reflection,
    int Reflections,
    double KnownHours,
    double? IdeasPerHour,
    Verdict MoreIdeas,
    Verdict BetterIdeas,
    string BetterBasis,
    int RestsOnIdeas,
    int RestsOnRated);
