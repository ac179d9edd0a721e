using ImproveBot.Core.Experiment;
using ImproveBot.Core.Ideas;
using static ImproveBot.Core.Tests.Experiment.ExperimentFixtures;

namespace ImproveBot.Core.Tests.Experiment;

public class ExperimentStatsMemberTests
{
    private static MemberStats Stats(long member, IReadOnlyList<IdeaFact>? ideas = null) =>
        ExperimentStats.ForMember(member, ideas ?? SeededIdeas(), SeededReflections(), SeededRounds(), Now);

    [Fact]
    public void ForMember_SeededHistory_Last4WeeksCountsOwnIdeasIncludingPrivate()
    {
        var w = Stats(Ada).Last4;

        Assert.Equal(4, w.Weeks);
        // In-flow #1, #2, #3 (private), #8 (exactly now − 28 d). Tried #2 #3 #8 = 3; adopted #8 = 1;
        // resolved #3 (dropped) #8 = 2; rated #2=3 #3=2 #8=4 → 3 rated, (3+2+4)/3 = 3.0.
        AssertFigures(new SourceFigures(4, 3, 1, 2, 3, 3.0), w.InFlow);
        Assert.Equal(0.75, w.InFlow.TriedShare);
        Assert.Equal(0.25, w.InFlow.AdoptedShare);
        // Reflection #4, #5, #6, #7 (private). Tried #4 #5 #6 = 3; adopted #4 #5 = 2; resolved 2;
        // rated #4=5 #5=4 → 2 rated, 4.5.
        AssertFigures(new SourceFigures(4, 3, 2, 2, 2, 4.5), w.Reflection);
        Assert.Equal(0.75, w.Reflection.TriedShare);
        Assert.Equal(0.5, w.Reflection.AdoptedShare);
        // Reflections submitted 6, 14, 20 (untimed), 27 days ago = 4, 3 timed: 20 + 30 + 22 = 72 min = 1.2 h.
        Assert.Equal(4, w.Reflections);
        Assert.Equal(3, w.TimedReflections);
        Assert.Equal(1, w.UntimedReflections);
        Assert.Equal(1.2, w.KnownHours, 9);
        // 4 reflection ideas / 1.2 h = 3.333…
        AssertClose(4 / 1.2, w.IdeasPerHour);
    }

    [Fact]
    public void ForMember_SeededHistory_Last12WeeksAddsOlderIdeasAndTheEdgeReflection()
    {
        var w = Stats(Ada).Last12;

        Assert.Equal(12, w.Weeks);
        // In-flow adds #10 (50 d, new); #12 (90 d) is out. 5 ideas, tried 3, adopted 1, resolved 2, rated 3 → 3.0.
        AssertFigures(new SourceFigures(5, 3, 1, 2, 3, 3.0), w.InFlow);
        Assert.Equal(0.6, w.InFlow.TriedShare);
        Assert.Equal(0.2, w.InFlow.AdoptedShare);
        // Reflection adds #9 (dropped, 2) and #11 (adopted, 5): 6 ideas; tried #4 #5 #6 #9 #11 = 5;
        // adopted #4 #5 #11 = 3; resolved + #9 = 4; rated 5, 4, 2, 5 → 4 rated, 16 / 4 = 4.0.
        AssertFigures(new SourceFigures(6, 5, 3, 4, 4, 4.0), w.Reflection);
        AssertClose(5 / 6.0, w.Reflection.TriedShare);
        AssertClose(0.5, w.Reflection.AdoptedShare);
        // Reflections add 41 d (20 min) and exactly 84 d (45 min); 98 d is out. 6 in all, 5 timed:
        // 20 + 30 + 22 + 20 + 45 = 137 min = 2.2833 h.
        Assert.Equal(6, w.Reflections);
        Assert.Equal(5, w.TimedReflections);
        Assert.Equal(137 / 60.0, w.KnownHours, 9);
        // 6 reflection ideas / (137/60 h) = 360/137 = 2.6277…
        AssertClose(360 / 137.0, w.IdeasPerHour);
    }

    [Fact]
    public void ForMember_SeededHistory_StreakSkipsOpenRoundAndGapAndStopsAtFirstMissedClosedRound()
    {
        // Ada: 06-30 open, unanswered → skipped; 06-23, 06-16, 06-09, 06-02 answered; no round on 05-26;
        // 05-19 answered; 05-12 closed and missed → 5.
        Assert.Equal(5, Stats(Ada).Streak);
        // Bob: 06-30 (open, answered) and 06-23 answered; 06-16 closed and missed → 2.
        Assert.Equal(2, Stats(Bob).Streak);
        // Cy: 06-30 open unanswered is skipped; 06-23 closed and missed → 0 (the 06-16 answer is behind the break).
        Assert.Equal(0, Stats(Cy).Streak);
    }

    [Fact]
    public void ForMember_SeededHistory_OtherMemberFigures()
    {
        var s = Stats(Bob);

        // Last 4: in-flow #15 (tried), #16 (dropped, 2) → 2 ideas, tried 2, adopted 0, resolved 1, rated 1 → 2.0.
        AssertFigures(new SourceFigures(2, 2, 0, 1, 1, 2.0), s.Last4.InFlow);
        // Reflection #13 (adopted, 4), #14 (dropped, 2), #17 (new), #19 (private, adopted, 5): tried 3, adopted 2,
        // resolved 3, rated 3 → 11/3 = 3.667.
        AssertFigures(new SourceFigures(4, 3, 2, 3, 3, 11 / 3.0), s.Last4.Reflection);
        // Reflections 2 h ago (15 min), 7 d (untimed), 26 d (40 min): 3, 2 timed, 55 min; 4 ideas / (55/60 h) = 4.36.
        Assert.Equal(3, s.Last4.Reflections);
        Assert.Equal(2, s.Last4.TimedReflections);
        Assert.Equal(55 / 60.0, s.Last4.KnownHours, 9);
        AssertClose(240 / 55.0, s.Last4.IdeasPerHour);

        // Last 12 adds in-flow #18 (40 d, adopted, 4): 3 ideas, tried 3, adopted 1, resolved 2, rated 2 → 3.0.
        AssertFigures(new SourceFigures(3, 3, 1, 2, 2, 3.0), s.Last12.InFlow);
        AssertFigures(new SourceFigures(4, 3, 2, 3, 3, 11 / 3.0), s.Last12.Reflection);
        Assert.Equal(3, s.Last12.Reflections);
        Assert.Equal(2, s.Last12.TimedReflections);
        AssertClose(240 / 55.0, s.Last12.IdeasPerHour);
    }

    [Fact]
    public void ForMember_PrivateIdea_CountsInOwnStats()
    {
        var secret = Idea(99, Ada, IdeaSource.InFlow, IdeaVisibility.Private, IdeaStatus.Adopted, DaysAgo(1), true, true, 5);
        var before = Stats(Ada);
        var after = Stats(Ada, [.. SeededIdeas(), secret]);

        // In-flow last 4 weeks: 4 → 5 ideas, tried 3 → 4, adopted 1 → 2, resolved 2 → 3, rated (3+2+4+5)/4 = 3.5.
        AssertFigures(new SourceFigures(5, 4, 2, 3, 4, 3.5), after.Last4.InFlow);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void ForMember_OtherMembersIdeasAndReflections_AreIgnored()
    {
        var stranger = 42L;
        var s = ExperimentStats.ForMember(stranger, SeededIdeas(), SeededReflections(), SeededRounds(), Now);

        Assert.Equal(0, s.Last12.Ideas);
        Assert.Equal(0, s.Last12.Reflections);
        Assert.True(s.Last4.IsEmpty);
        Assert.Equal(0, s.Streak);
    }

    [Fact]
    public void ForMember_IdeaExactlyFourWeeksOld_IsInLast4_OneTickOlderIsNot()
    {
        var edge = Now - TimeSpan.FromDays(28);
        IdeaFact[] ideas =
        [
            Idea(1, Ada, IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, edge),
            Idea(2, Ada, IdeaSource.Reflection, IdeaVisibility.Team, IdeaStatus.New, edge - TimeSpan.FromTicks(1)),
        ];

        var s = ExperimentStats.ForMember(Ada, ideas, [], [], Now);

        Assert.Equal(1, s.Last4.InFlow.Ideas);
        Assert.Equal(0, s.Last4.Reflection.Ideas);
        Assert.Equal(1, s.Last12.Reflection.Ideas);
    }

    [Fact]
    public void ForMember_TwelveWeekEdge_InclusiveForIdeasAndReflections()
    {
        var edge = Now - TimeSpan.FromDays(84);
        var tick = TimeSpan.FromTicks(1);
        IdeaFact[] ideas =
        [
            Idea(1, Ada, IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, edge),
            Idea(2, Ada, IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, edge - tick),
        ];
        ReflectionFact[] reflections =
        [
            new(Ada, new DateOnly(2025, 4, 7), TimeSpan.FromMinutes(20), edge),
            new(Ada, new DateOnly(2025, 3, 31), TimeSpan.FromMinutes(20), edge - tick),
        ];

        var s = ExperimentStats.ForMember(Ada, ideas, reflections, [], Now);

        Assert.Equal(1, s.Last12.InFlow.Ideas);
        Assert.Equal(1, s.Last12.Reflections);
        Assert.Equal(0, s.Last4.Reflections);
    }

    [Fact]
    public void ForMember_ReflectionExactlyFourWeeksOld_IsInLast4_OneTickOlderIsNot()
    {
        var edge = Now - TimeSpan.FromDays(28);
        ReflectionFact[] reflections =
        [
            new(Ada, new DateOnly(2025, 6, 2), TimeSpan.FromMinutes(30), edge),
            new(Ada, new DateOnly(2025, 5, 26), TimeSpan.FromMinutes(60), edge - TimeSpan.FromTicks(1)),
        ];

        var s = ExperimentStats.ForMember(Ada, [], reflections, [], Now);

        Assert.Equal(1, s.Last4.Reflections);
        Assert.Equal(0.5, s.Last4.KnownHours, 9);
        Assert.Equal(2, s.Last12.Reflections);
    }

    [Fact]
    public void ForMember_IdeaLoggedAfterNow_IsNotCounted()
    {
        IdeaFact[] ideas = [Idea(1, Ada, IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, Now + TimeSpan.FromTicks(1))];

        Assert.Equal(0, ExperimentStats.ForMember(Ada, ideas, [], [], Now).Last4.Ideas);
    }

    [Fact]
    public void ForMember_SixMinutesOfKnownReflection_GivesIdeasPerHour_OneTickLessDoesNot()
    {
        IdeaFact[] ideas = [Idea(1, Ada, IdeaSource.Reflection, IdeaVisibility.Team, IdeaStatus.New, DaysAgo(1))];
        ReflectionFact[] atThreshold = [new(Ada, new DateOnly(2025, 6, 30), TimeSpan.FromMinutes(6), DaysAgo(1))];
        ReflectionFact[] below = [new(Ada, new DateOnly(2025, 6, 30), TimeSpan.FromMinutes(6) - TimeSpan.FromTicks(1), DaysAgo(1))];

        // 1 idea / 0.1 h = 10 per hour.
        AssertClose(10.0, ExperimentStats.ForMember(Ada, ideas, atThreshold, [], Now).Last4.IdeasPerHour);
        Assert.Null(ExperimentStats.ForMember(Ada, ideas, below, [], Now).Last4.IdeasPerHour);
    }

    [Fact]
    public void ForMember_OnlyUntimedReflections_HasNoIdeasPerHour()
    {
        IdeaFact[] ideas = [Idea(1, Ada, IdeaSource.Reflection, IdeaVisibility.Team, IdeaStatus.New, DaysAgo(1))];
        ReflectionFact[] reflections =
        [
            new(Ada, new DateOnly(2025, 6, 30), null, DaysAgo(1)),
            new(Ada, new DateOnly(2025, 6, 23), TimeSpan.FromMinutes(-20), DaysAgo(7)), // nonsense duration: unknown
        ];

        var w = ExperimentStats.ForMember(Ada, ideas, reflections, [], Now).Last4;

        Assert.Equal(2, w.Reflections);
        Assert.Equal(0, w.TimedReflections);
        Assert.Equal(0.0, w.KnownHours);
        Assert.Null(w.IdeasPerHour);
    }

    [Fact]
    public void ForMember_RatingOutsideOneToFive_IsNotCountedAsRated()
    {
        IdeaFact[] ideas =
        [
            Idea(1, Ada, IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, DaysAgo(1), value: 0),
            Idea(2, Ada, IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, DaysAgo(1), value: 6),
            Idea(3, Ada, IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, DaysAgo(1), value: 1),
        ];

        var f = ExperimentStats.ForMember(Ada, ideas, [], [], Now).Last4.InFlow;

        Assert.Equal(1, f.Rated);
        Assert.Equal(1.0, f.AverageValue);
    }

    [Fact]
    public void ForMember_NoIdeas_SharesAndAverageAreNull()
    {
        var w = ExperimentStats.ForMember(Ada, [], [], [], Now).Last4;

        Assert.Equal(SourceFigures.Empty, w.InFlow);
        Assert.Null(w.InFlow.TriedShare);
        Assert.Null(w.InFlow.AdoptedShare);
        Assert.Null(w.InFlow.AdoptedOfResolvedShare);
        Assert.Null(w.Reflection.AverageValue);
        Assert.Null(w.IdeasPerHour);
    }

    [Fact]
    public void Streak_OpenRoundAnswered_Counts()
    {
        ReflectionFact[] reflections = [new(Ada, new DateOnly(2025, 6, 30), null, Now)];
        RoundFact[] rounds = [Round(6, 30, open: true), Round(6, 23)];

        Assert.Equal(1, ExperimentStats.ForMember(Ada, [], reflections, rounds, Now).Streak);
    }

    [Fact]
    public void Streak_ClosedLatestRoundMissed_IsZero()
    {
        ReflectionFact[] reflections = [new(Ada, new DateOnly(2025, 6, 16), null, DaysAgo(14))];
        RoundFact[] rounds = [Round(6, 16), Round(6, 23)];

        Assert.Equal(0, ExperimentStats.ForMember(Ada, [], reflections, rounds, Now).Streak);
    }

    [Fact]
    public void Streak_EveryRoundAnswered_CountsAllInAnyOrder()
    {
        ReflectionFact[] reflections =
        [
            new(Ada, new DateOnly(2025, 6, 2), null, DaysAgo(28)),
            new(Ada, new DateOnly(2025, 6, 16), null, DaysAgo(14)),
            new(Ada, new DateOnly(2025, 6, 9), null, DaysAgo(21)),
            new(Bob, new DateOnly(2025, 6, 23), null, DaysAgo(7)), // someone else's answer does not count
        ];
        RoundFact[] rounds = [Round(6, 9), Round(6, 2), Round(6, 16), Round(6, 16)];

        Assert.Equal(3, ExperimentStats.ForMember(Ada, [], reflections, rounds, Now).Streak);
        Assert.Equal(0, ExperimentStats.ForMember(Ada, [], reflections, [.. rounds, Round(6, 23)], Now).Streak);
    }

    [Fact]
    public void Streak_NoRounds_IsZero()
    {
        Assert.Equal(0, ExperimentStats.ForMember(Ada, [], SeededReflections(), [], Now).Streak);
    }
}
