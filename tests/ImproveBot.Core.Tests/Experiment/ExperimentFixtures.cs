using ImproveBot.Core.Experiment;
using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Tests.Experiment;

/// <summary>
/// A seeded 14-week history for three members of one team. "now" is Monday 2025-06-30 12:00 UTC; the last 4 weeks
/// start at 2025-06-02 12:00 (now − 28 d), the last 12 weeks at 2025-04-07 12:00 (now − 84 d).
/// </summary>
internal static class ExperimentFixtures
{
    public static readonly DateTimeOffset Now = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);

    public const long Ada = 1;
    public const long Bob = 2;
    public const long Cy = 3;

    public static DateTimeOffset DaysAgo(double days) => Now - TimeSpan.FromDays(days);

    public static IdeaFact Idea(
        long id, long author, IdeaSource source, IdeaVisibility visibility, IdeaStatus status,
        DateTimeOffset createdAt, bool tried = false, bool helped = false, int? value = null) =>
        new(id, author, source, visibility, status, createdAt, tried, helped, value);

    public static ReflectionFact Reflection(long member, int month, int day, double minutes, DateTimeOffset submittedAt) =>
        new(member, new DateOnly(2025, month, day), TimeSpan.FromMinutes(minutes), submittedAt);

    public static ReflectionFact Untimed(long member, int month, int day, DateTimeOffset submittedAt) =>
        new(member, new DateOnly(2025, month, day), null, submittedAt);

    private const IdeaSource InFlow = IdeaSource.InFlow;
    private const IdeaSource Refl = IdeaSource.Reflection;
    private const IdeaVisibility Team = IdeaVisibility.Team;
    private const IdeaVisibility Anon = IdeaVisibility.Anonymous;
    private const IdeaVisibility Private = IdeaVisibility.Private;

    /// <summary>22 ideas; #3, #7 and #19 are private.</summary>
    public static IReadOnlyList<IdeaFact> SeededIdeas() =>
    [
        //   id  author source  vis      status                 created        tried  helped  value
        Idea(1,  Ada,   InFlow, Team,    IdeaStatus.New,       DaysAgo(2)),
        Idea(2,  Ada,   InFlow, Team,    IdeaStatus.Trying,    DaysAgo(5),    true,  false,  3),
        Idea(3,  Ada,   InFlow, Private, IdeaStatus.Dropped,   DaysAgo(9),    true,  false,  2),
        Idea(4,  Ada,   Refl,   Team,    IdeaStatus.Adopted,   DaysAgo(7),    true,  true,   5),
        Idea(5,  Ada,   Refl,   Anon,    IdeaStatus.Adopted,   DaysAgo(14),   true,  true,   4),
        Idea(6,  Ada,   Refl,   Team,    IdeaStatus.Trying,    DaysAgo(14),   true),
        Idea(7,  Ada,   Refl,   Private, IdeaStatus.New,       DaysAgo(21)),
        Idea(8,  Ada,   InFlow, Team,    IdeaStatus.Adopted,   DaysAgo(28),   true,  true,   4), // exactly on the 4-week edge: in
        Idea(9,  Ada,   Refl,   Team,    IdeaStatus.Dropped,   DaysAgo(35),   true,  false,  2),
        Idea(10, Ada,   InFlow, Team,    IdeaStatus.New,       DaysAgo(50)),
        Idea(11, Ada,   Refl,   Team,    IdeaStatus.Adopted,   DaysAgo(70),   true,  true,   5),
        Idea(12, Ada,   InFlow, Team,    IdeaStatus.Adopted,   DaysAgo(90),   true,  true,   3), // older than 12 weeks
        Idea(13, Bob,   Refl,   Team,    IdeaStatus.Adopted,   DaysAgo(3),    true,  true,   4),
        Idea(14, Bob,   Refl,   Team,    IdeaStatus.Dropped,   DaysAgo(10),   true,  false,  2),
        Idea(15, Bob,   InFlow, Anon,    IdeaStatus.Trying,    DaysAgo(6),    true),
        Idea(16, Bob,   InFlow, Team,    IdeaStatus.Dropped,   DaysAgo(12),   true,  false,  2),
        Idea(17, Bob,   Refl,   Team,    IdeaStatus.New,       DaysAgo(20)),
        Idea(18, Bob,   InFlow, Team,    IdeaStatus.Adopted,   DaysAgo(40),   true,  true,   4),
        Idea(19, Bob,   Refl,   Private, IdeaStatus.Adopted,   DaysAgo(25),   true,  true,   5),
        Idea(20, Cy,    InFlow, Team,    IdeaStatus.New,       DaysAgo(1)),
        Idea(21, Cy,    Refl,   Team,    IdeaStatus.Adopted,   DaysAgo(8),    true,  true,   4),
        Idea(22, Cy,    InFlow, Team,    IdeaStatus.Dropped,   DaysAgo(100),  true,  false,  1),
    ];

    /// <summary>Reflections by round (prompt date) with known and unknown durations.</summary>
    public static IReadOnlyList<ReflectionFact> SeededReflections() =>
    [
        Reflection(Ada, 6, 23, 20, DaysAgo(6)),
        Reflection(Ada, 6, 16, 30, DaysAgo(14)),
        Untimed(Ada, 6, 9, DaysAgo(20)),
        Reflection(Ada, 6, 2, 22, DaysAgo(27)),
        Reflection(Ada, 5, 19, 20, DaysAgo(41)),
        Reflection(Ada, 4, 7, 45, DaysAgo(84)), // exactly on the 12-week edge: in
        Reflection(Ada, 3, 24, 20, DaysAgo(98)), // older than 12 weeks
        Reflection(Bob, 6, 30, 15, Now - TimeSpan.FromHours(2)), // answers the open round
        Untimed(Bob, 6, 23, DaysAgo(7)),
        Reflection(Bob, 6, 2, 40, DaysAgo(26)),
        Reflection(Cy, 6, 16, 35, DaysAgo(13)),
    ];

    /// <summary>Weekly Monday rounds from 03-24 to 06-30, none on 05-26 (a holiday gap); 06-30 is still open. Shuffled.</summary>
    public static IReadOnlyList<RoundFact> SeededRounds() =>
    [
        Round(6, 16), Round(3, 24), Round(6, 30, open: true), Round(5, 19), Round(4, 7), Round(6, 23),
        Round(4, 21), Round(5, 5), Round(6, 2), Round(3, 31), Round(4, 14), Round(5, 12), Round(6, 9), Round(4, 28),
    ];

    public static RoundFact Round(int month, int day, bool open = false) => new(new DateOnly(2025, month, day), open);

    public static void AssertFigures(SourceFigures expected, SourceFigures actual)
    {
        Assert.Equal(expected.Ideas, actual.Ideas);
        Assert.Equal(expected.Tried, actual.Tried);
        Assert.Equal(expected.Adopted, actual.Adopted);
        Assert.Equal(expected.Resolved, actual.Resolved);
        Assert.Equal(expected.Rated, actual.Rated);
        AssertClose(expected.AverageValue, actual.AverageValue);
    }

    public static void AssertClose(double? expected, double? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected.Value, actual.Value, 9);
    }
}
