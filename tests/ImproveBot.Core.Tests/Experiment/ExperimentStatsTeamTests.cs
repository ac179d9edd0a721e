using ImproveBot.Core.Experiment;
using ImproveBot.Core.Ideas;
using static ImproveBot.Core.Tests.Experiment.ExperimentFixtures;

namespace ImproveBot.Core.Tests.Experiment;

public class ExperimentStatsTeamTests
{
    [Fact]
    public void ForTeam_SeededHistory_CountsSharedIdeasOfTheLast4Weeks()
    {
        var t = ExperimentStats.ForTeam(SeededIdeas(), SeededReflections(), Now);

        Assert.Equal(4, t.Weeks);
        // Non-private in-flow within 28 d: #1, #2, #8 (edge), #15, #16, #20 = 6. Tried #2 #8 #15 #16 = 4;
        // adopted #8 = 1; resolved #8 #16 = 2; rated #2=3 #8=4 #16=2 → 3 rated, 9/3 = 3.0.
        AssertFigures(new SourceFigures(6, 4, 1, 2, 3, 3.0), t.InFlow);
        // Non-private reflection ideas: #4, #5, #6, #13, #14, #17, #21 = 7. Tried all but #17 = 6;
        // adopted #4 #5 #13 #21 = 4; resolved + #14 = 5; rated 5 + 4 + 4 + 2 + 4 = 19 over 5 → 3.8.
        AssertFigures(new SourceFigures(7, 6, 4, 5, 5, 3.8), t.Reflection);
        // Reflections within 28 d: Ada 4 (72 min known), Bob 3 (15 + 40 = 55 min), Cy 1 (35 min) = 8; 162 min = 2.7 h.
        Assert.Equal(8, t.Reflections);
        Assert.Equal(2.7, t.KnownHours, 9);
        // 7 reflection ideas / 2.7 h = 2.59…
        AssertClose(7 / 2.7, t.IdeasPerHour);
        // 13 ideas ≥ 10, both sources ≥ 3, 7 > 6.
        Assert.Equal(Verdict.Reflection, t.MoreIdeas);
        // Both sources have ≥ 3 rated: 3.8 − 3.0 = 0.8 ≥ 0.5.
        Assert.Equal(Verdict.Reflection, t.BetterIdeas);
        Assert.Equal("rating", t.BetterBasis);
        Assert.Equal(13, t.RestsOnIdeas);
        Assert.Equal(8, t.RestsOnRated);
    }

    [Fact]
    public void ForTeam_PrivateIdea_ChangesNothing()
    {
        // A private, rated, adopted reflection idea that would swing every figure if it were counted.
        var secret = Idea(99, Ada, IdeaSource.Reflection, IdeaVisibility.Private, IdeaStatus.Adopted, DaysAgo(1), true, true, 1);
        IReadOnlyList<IdeaFact> with = [.. SeededIdeas(), secret];

        var without = ExperimentStats.ForTeam(SeededIdeas(), SeededReflections(), Now);
        var withSecret = ExperimentStats.ForTeam(with, SeededReflections(), Now);

        Assert.Equal(without, withSecret);
        Assert.Equal(ExperimentText.ForTeamMarkdown(without), ExperimentText.ForTeamMarkdown(withSecret));
        // ...while the author's own stats do change.
        Assert.NotEqual(
            ExperimentStats.ForMember(Ada, SeededIdeas(), SeededReflections(), SeededRounds(), Now),
            ExperimentStats.ForMember(Ada, with, SeededReflections(), SeededRounds(), Now));
    }

    [Fact]
    public void ForTeam_SeededPrivateIdeas_AreExcludedEntirely()
    {
        var shared = SeededIdeas().Where(i => i.Visibility != IdeaVisibility.Private).ToList();

        Assert.Equal(
            ExperimentStats.ForTeam(shared, SeededReflections(), Now),
            ExperimentStats.ForTeam(SeededIdeas(), SeededReflections(), Now));
    }

    [Fact]
    public void ForTeam_TwelveWeeks_WidensTheWindow()
    {
        var t = ExperimentStats.ForTeam(SeededIdeas(), SeededReflections(), Now, weeks: 12);

        // In-flow adds #10 (50 d) and #18 (40 d, adopted, 4): 8 ideas, tried 5, adopted 2, resolved 2 + #18 = 3,
        // rated 3 + 4 + 2 + 4 = 13 over 4.
        AssertFigures(new SourceFigures(8, 5, 2, 3, 4, 13 / 4.0), t.InFlow);
        // Reflection adds #9 (dropped, 2) and #11 (adopted, 5): 9 ideas, tried 8, adopted 5, resolved 7,
        // rated 19 + 2 + 5 = 26 over 7.
        AssertFigures(new SourceFigures(9, 8, 5, 7, 7, 26 / 7.0), t.Reflection);
        // Reflections add Ada's 41 d (20 min) and 84 d (45 min): 10, 162 + 65 = 227 min.
        Assert.Equal(10, t.Reflections);
        Assert.Equal(227 / 60.0, t.KnownHours, 9);
        AssertClose(9 / (227 / 60.0), t.IdeasPerHour);
        Assert.Equal(Verdict.Reflection, t.MoreIdeas); // 9 vs 8
        // 26/7 = 3.714 vs 3.25: 0.46 < 0.5.
        Assert.Equal(Verdict.Tie, t.BetterIdeas);
        Assert.Equal("rating", t.BetterBasis);
        Assert.Equal(17, t.RestsOnIdeas);
        Assert.Equal(11, t.RestsOnRated);
    }

    [Fact]
    public void ForTeam_IdeaExactlyAtWindowStart_IsIn_OneTickEarlierIsOut()
    {
        var edge = Now - TimeSpan.FromDays(28);
        IdeaFact[] ideas =
        [
            Idea(1, Ada, IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, edge),
            Idea(2, Ada, IdeaSource.Reflection, IdeaVisibility.Team, IdeaStatus.New, edge - TimeSpan.FromTicks(1)),
        ];
        ReflectionFact[] reflections =
        [
            new(Ada, new DateOnly(2025, 6, 2), TimeSpan.FromMinutes(20), edge),
            new(Bob, new DateOnly(2025, 5, 26), TimeSpan.FromMinutes(20), edge - TimeSpan.FromTicks(1)),
        ];

        var t = ExperimentStats.ForTeam(ideas, reflections, Now);

        Assert.Equal(1, t.InFlow.Ideas);
        Assert.Equal(0, t.Reflection.Ideas);
        Assert.Equal(1, t.Reflections);
    }

    [Fact]
    public void ForTeam_WeeksBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExperimentStats.ForTeam([], [], Now, weeks: 0));
    }

    [Fact]
    public void ForTeam_Empty_IsTooFewToTellOnBoth()
    {
        var t = ExperimentStats.ForTeam([], [], Now);

        Assert.Equal(new TeamExperiment(4, SourceFigures.Empty, SourceFigures.Empty, 0, 0, null,
            Verdict.TooFewToTell, Verdict.TooFewToTell, "", 0, 0), t);
    }

    // ---- MoreIdeas thresholds: 10 in total and 3 per source ----

    [Theory]
    [InlineData(3, 7, (int)Verdict.InFlow)]        // exactly 10 in total and exactly 3 from reflection
    [InlineData(7, 3, (int)Verdict.Reflection)]    // exactly 3 in-flow
    [InlineData(3, 6, (int)Verdict.TooFewToTell)]  // 9 in total: one below
    [InlineData(2, 8, (int)Verdict.TooFewToTell)]  // 10 in total but only 2 from reflection
    [InlineData(8, 2, (int)Verdict.TooFewToTell)]  // only 2 in-flow
    [InlineData(5, 5, (int)Verdict.Tie)]
    [InlineData(6, 5, (int)Verdict.Reflection)]
    // The verdict travels as an int: a public test method cannot take the internal enum.
    public void ForTeam_MoreIdeas_NeedsTenInTotalAndThreePerSource(int reflection, int inFlow, int expected)
    {
        var ideas = Many(IdeaSource.Reflection, reflection, IdeaStatus.New).Concat(Many(IdeaSource.InFlow, inFlow, IdeaStatus.New)).ToList();

        Assert.Equal((Verdict)expected, ExperimentStats.ForTeam(ideas, [], Now).MoreIdeas);
    }

    [Fact]
    public void ForTeam_PrivateIdeas_DoNotCountTowardsTheIdeaThreshold()
    {
        // 3 + 6 shared = 9 (too few); a 10th that is private must not tip it.
        var ideas = Many(IdeaSource.Reflection, 3, IdeaStatus.New)
            .Concat(Many(IdeaSource.InFlow, 6, IdeaStatus.New))
            .Append(Idea(500, Bob, IdeaSource.InFlow, IdeaVisibility.Private, IdeaStatus.New, DaysAgo(1)))
            .ToList();

        Assert.Equal(Verdict.TooFewToTell, ExperimentStats.ForTeam(ideas, [], Now).MoreIdeas);
    }

    // ---- BetterIdeas by rating: 3 rated per source, tie below 0.5 ----

    [Fact]
    public void ForTeam_RatingDifferenceExactlyHalf_IsNotATie()
    {
        // Reflection 4,4,4,4,3 → 19/5 = 3.8; in-flow ten ratings summing to 33 → 3.3. 3.8 − 3.3 = 0.5 exactly
        // (0.5 in decimal; in binary floating point 3.8 − 3.3 is not reliably 0.5).
        var ideas = Rated(IdeaSource.Reflection, 4, 4, 4, 4, 3).Concat(Rated(IdeaSource.InFlow, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3)).ToList();

        var t = ExperimentStats.ForTeam(ideas, [], Now);

        Assert.Equal(Verdict.Reflection, t.BetterIdeas);
        Assert.Equal("rating", t.BetterBasis);
    }

    [Fact]
    public void ForTeam_RatingDifferenceJustBelowHalf_IsATie()
    {
        // Reflection 4,4,3,3,2 → 16/5 = 3.2; in-flow 3,3,3,2 → 11/4 = 2.75; 0.45 < 0.5.
        var ideas = Rated(IdeaSource.Reflection, 4, 4, 3, 3, 2).Concat(Rated(IdeaSource.InFlow, 3, 3, 3, 2)).ToList();

        var t = ExperimentStats.ForTeam(ideas, [], Now);

        Assert.Equal(Verdict.Tie, t.BetterIdeas);
        Assert.Equal("rating", t.BetterBasis);
    }

    [Fact]
    public void ForTeam_InFlowRatedHigher_FavoursInFlow()
    {
        // Exactly 3 rated per source: reflection 2,3,3 → 2.667; in-flow 4,4,3 → 3.667; 1.0 apart.
        var ideas = Rated(IdeaSource.Reflection, 2, 3, 3).Concat(Rated(IdeaSource.InFlow, 4, 4, 3)).ToList();

        var t = ExperimentStats.ForTeam(ideas, [], Now);

        Assert.Equal(Verdict.InFlow, t.BetterIdeas);
        Assert.Equal(6, t.RestsOnRated);
    }

    [Fact]
    public void ForTeam_OnlyTwoRatedInOneSource_DoesNotJudgeByRating()
    {
        // 3 rated reflection vs 2 rated in-flow, nothing adopted or dropped → no basis at all.
        var ideas = Rated(IdeaSource.Reflection, 5, 5, 5).Concat(Rated(IdeaSource.InFlow, 1, 1)).ToList();

        var t = ExperimentStats.ForTeam(ideas, [], Now);

        Assert.Equal(Verdict.TooFewToTell, t.BetterIdeas);
        Assert.Equal("", t.BetterBasis);
    }

    // ---- BetterIdeas by adoption: 5 finished per source, tie below 10 points ----

    [Fact]
    public void ForTeam_TooFewRatings_FallsBackToAdoptionOfFinishedIdeas()
    {
        // Ratings: 3 vs 2 → not enough. Finished: reflection 3 adopted + 2 dropped (60%), in-flow 1 + 4 (20%).
        var ideas = Finished(IdeaSource.Reflection, adopted: 3, dropped: 2)
            .Concat(Finished(IdeaSource.InFlow, adopted: 1, dropped: 4))
            .Concat(Rated(IdeaSource.Reflection, 5, 5, 5))
            .Concat(Rated(IdeaSource.InFlow, 1, 1))
            .ToList();

        var t = ExperimentStats.ForTeam(ideas, [], Now);

        Assert.Equal(Verdict.Reflection, t.BetterIdeas);
        Assert.Equal("adoption", t.BetterBasis);
        Assert.Equal(0.6, t.Reflection.AdoptedOfResolvedShare);
        Assert.Equal(0.2, t.InFlow.AdoptedOfResolvedShare);
    }

    [Fact]
    public void ForTeam_AdoptionDifferenceExactlyTenPoints_IsNotATie()
    {
        // Reflection 3 of 5 = 60%; in-flow 5 of 10 = 50%: exactly 10 points (0.6 − 0.5 is 0.0999… in doubles).
        var ideas = Finished(IdeaSource.Reflection, 3, 2).Concat(Finished(IdeaSource.InFlow, 5, 5)).ToList();

        var t = ExperimentStats.ForTeam(ideas, [], Now);

        Assert.Equal(Verdict.Reflection, t.BetterIdeas);
        Assert.Equal("adoption", t.BetterBasis);
    }

    [Fact]
    public void ForTeam_AdoptionDifferenceJustBelowTenPoints_IsATie()
    {
        // Reflection 3 of 7 = 42.9%; in-flow 3 of 9 = 33.3%: 9.5 points < 10.
        var ideas = Finished(IdeaSource.Reflection, 3, 4).Concat(Finished(IdeaSource.InFlow, 3, 6)).ToList();

        Assert.Equal(Verdict.Tie, ExperimentStats.ForTeam(ideas, [], Now).BetterIdeas);
    }

    [Fact]
    public void ForTeam_InFlowAdoptedMoreOften_FavoursInFlow()
    {
        // Exactly 5 finished per source: reflection 1 of 5 = 20%, in-flow 4 of 5 = 80%.
        var ideas = Finished(IdeaSource.Reflection, 1, 4).Concat(Finished(IdeaSource.InFlow, 4, 1)).ToList();

        var t = ExperimentStats.ForTeam(ideas, [], Now);

        Assert.Equal(Verdict.InFlow, t.BetterIdeas);
        Assert.Equal("adoption", t.BetterBasis);
    }

    [Fact]
    public void ForTeam_FourFinishedInOneSource_IsTooFewToTell()
    {
        // In-flow has 4 finished (one below 5); new and trying ideas do not count as finished.
        var ideas = Finished(IdeaSource.Reflection, 5, 0)
            .Concat(Finished(IdeaSource.InFlow, 0, 4))
            .Concat(Many(IdeaSource.InFlow, 3, IdeaStatus.Trying))
            .ToList();

        var t = ExperimentStats.ForTeam(ideas, [], Now);

        Assert.Equal(Verdict.TooFewToTell, t.BetterIdeas);
        Assert.Equal("", t.BetterBasis);
    }

    private static int nextId = 1000;

    private static IEnumerable<IdeaFact> Many(IdeaSource source, int count, IdeaStatus status) =>
        Enumerable.Range(0, count).Select(_ => Idea(Interlocked.Increment(ref nextId), Ada, source, IdeaVisibility.Team, status,
            DaysAgo(1), tried: status is IdeaStatus.Trying or IdeaStatus.Adopted));

    private static IEnumerable<IdeaFact> Rated(IdeaSource source, params int[] values) =>
        values.Select(v => Idea(Interlocked.Increment(ref nextId), Bob, source, IdeaVisibility.Anonymous, IdeaStatus.Trying,
            DaysAgo(2), true, false, v));

    private static IEnumerable<IdeaFact> Finished(IdeaSource source, int adopted, int dropped) =>
        Many(source, adopted, IdeaStatus.Adopted).Concat(Many(source, dropped, IdeaStatus.Dropped));
}
