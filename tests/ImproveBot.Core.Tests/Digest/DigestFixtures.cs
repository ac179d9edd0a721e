using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Tests.Digest;

/// <summary>Shared test data: a hand-computed "seeded week" and a terse way to write idea rows.</summary>
internal static class DigestFixtures
{
    public static readonly DateTimeOffset PeriodStart = new(2025, 3, 10, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset PeriodEnd = PeriodStart.AddDays(7);
    public static readonly DateOnly RoundDate = new(2025, 3, 10);

    /// <summary>A moment <paramref name="days"/> after the period start (negative = before the period).</summary>
    public static DateTimeOffset Day(double days) => PeriodStart.AddDays(days);

    public static TimeSpan? Minutes(double minutes) => TimeSpan.FromMinutes(minutes);

    public static DigestIdeaRow Row(
        long id,
        string text = "An idea",
        string[]? tags = null,
        IdeaSource source = IdeaSource.InFlow,
        IdeaVisibility visibility = IdeaVisibility.Team,
        IdeaStatus status = IdeaStatus.New,
        string author = "Ada",
        int votes = 0,
        DateTimeOffset? createdAt = null,
        DateTimeOffset? statusChangedAt = null) =>
        new(id, text, tags ?? [], source, visibility, status, author, votes, createdAt ?? Day(1), statusChangedAt);

    public static DigestInput Input(
        IReadOnlyList<DigestIdeaRow>? ideas = null,
        IReadOnlyList<TimeSpan?>? durations = null,
        int prompted = 0,
        int reflected = 0,
        int skipped = 0,
        string teamName = "Vision Lab") =>
        new(teamName, RoundDate, PeriodStart, PeriodEnd, prompted, reflected, skipped, durations ?? [], ideas ?? []);

    /// <summary>
    /// The seeded week. Hand-computed expectations:
    /// durations 12, 15, 18, 20, 25 min known + 2 unknown: median 18, 90 min = 1.5 h.
    /// New in period: #1, #2, #3, #6 (#9 lands exactly on PeriodEnd, #10 just before PeriodStart, #7 is private).
    /// Groups: reading (#1, #2), tooling (#6), other (#3, untagged) last.
    /// Sources: in-flow #2, #3 = 2; reflection #1, #6 = 2; 2 / 1.5 h = 1.33 per hour.
    /// Most voted (open, votes > 0): #5 (4), #1 (3), #3 (2, trying), #2 (1); #4 adopted and #8 dropped are out.
    /// Status changes: #4 Adopted, #3 Trying, #8 Dropped.
    /// </summary>
    public static DigestInput SeededWeek() => Input(
        prompted: 9,
        reflected: 7,
        skipped: 1,
        durations: [Minutes(15), Minutes(18), null, Minutes(20), Minutes(25), Minutes(12), null],
        ideas:
        [
            Row(1, "Read one paper together each Friday", ["reading"], IdeaSource.Reflection, author: "Ada", votes: 3, createdAt: Day(1)),
            Row(2, "Share reading notes in the wiki", ["reading", "docs"], visibility: IdeaVisibility.Anonymous,
                author: "Grace", votes: 1, createdAt: Day(2)),
            Row(3, "Fewer status meetings", [], status: IdeaStatus.Trying, author: "Bob", votes: 2, createdAt: Day(3),
                statusChangedAt: Day(4)),
            Row(4, "Pair on code reviews", ["code"], IdeaSource.Reflection, status: IdeaStatus.Adopted, author: "Cy",
                votes: 5, createdAt: Day(-18), statusChangedAt: Day(2)),
            Row(5, "Daily standup at 10", ["meetings"], author: "Dan", votes: 4, createdAt: Day(-37)),
            Row(6, "Automate the data backup", ["tooling"], IdeaSource.Reflection, author: "Eve", createdAt: Day(5)),
            Row(7, "My private note about Bob", ["secret"], IdeaSource.Reflection, IdeaVisibility.Private, author: "Ada",
                createdAt: Day(2)),
            Row(8, "Drop the weekly newsletter", ["meetings"], status: IdeaStatus.Dropped, author: "Bob", votes: 1,
                createdAt: Day(-59), statusChangedAt: Day(6)),
            Row(9, "Created as the period ends", ["late"], createdAt: PeriodEnd),
            Row(10, "Created just before the period", ["early"], createdAt: PeriodStart.AddMinutes(-1)),
        ]);
}
