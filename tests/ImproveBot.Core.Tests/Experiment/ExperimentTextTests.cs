using System.Globalization;
using ImproveBot.Core.Experiment;
using ImproveBot.Core.Ideas;
using static ImproveBot.Core.Tests.Experiment.ExperimentFixtures;

namespace ImproveBot.Core.Tests.Experiment;

public class ExperimentTextTests
{
    // Raw literals take the source file's line endings; the text always uses "\n".
    private static string Lines(string text) => text.ReplaceLineEndings("\n");

    private static MemberStats SeededMember(long member) =>
        ExperimentStats.ForMember(member, SeededIdeas(), SeededReflections(), SeededRounds(), Now);

    [Fact]
    public void ForMember_SeededHistory_ProducesExpectedText()
    {
        // Figures as in ExperimentStatsMemberTests: 1.2 h → "1.2", 4/1.2 = 3.33 → "3.3"; 137 min = 2.28 h → "2.3",
        // 360/137 = 2.63 → "2.6"; 5/6 tried = 83%.
        Assert.Equal(Lines("""
            Your improvement stats
            Last 4 weeks: 4 in-flow ideas, 4 from 4 reflections (1.2 h, 3.3 ideas per hour; 1 reflection without a time).
            Tried: in-flow 75%, reflection 75% · adopted: in-flow 25%, reflection 50% · value: in-flow 3.0 (3 rated), reflection 4.5 (2 rated)
            Last 12 weeks: 5 in-flow ideas, 6 from 6 reflections (2.3 h, 2.6 ideas per hour; 1 reflection without a time).
            Tried: in-flow 60%, reflection 83% · adopted: in-flow 20%, reflection 50% · value: in-flow 3.0 (3 rated), reflection 4.0 (4 rated)
            Reflection streak: 5 weeks.
            """), ExperimentText.ForMember(SeededMember(Ada)));
    }

    [Fact]
    public void ForMember_EmptyHistory_SaysNoIdeasYetKindly()
    {
        var s = ExperimentStats.ForMember(Ada, [], [], [], Now);

        Assert.Equal(Lines("""
            Your improvement stats
            No ideas yet, and that is fine. Log one any time with /idea, or take 20 minutes when the next reflection prompt comes.
            Reflection streak: none right now; your next reflection starts one.
            """), ExperimentText.ForMember(s));
    }

    [Fact]
    public void ForMember_QuietRecentWeeks_SaysNoIdeasYetForThatWindow()
    {
        var empty = new WindowStats(4, SourceFigures.Empty, SourceFigures.Empty, 0, 0, 0, null);
        var older = new WindowStats(12, new SourceFigures(1, 0, 0, 0, 0, null), SourceFigures.Empty, 1, 0, 0, null);

        Assert.Equal(Lines("""
            Your improvement stats
            Last 4 weeks: no ideas yet.
            Last 12 weeks: 1 in-flow idea, 0 from 1 reflection (1 reflection without a time).
            Tried: in-flow 0%, reflection – · adopted: in-flow 0%, reflection – · value: in-flow –, reflection –
            Reflection streak: 1 week.
            """), ExperimentText.ForMember(new MemberStats(empty, older, 1)));
    }

    [Fact]
    public void ForMember_ReflectionsWithoutIdeas_AreStillMentioned()
    {
        // 2 reflections, 40 min known → "0.7 h"; no ideas, so no rate and no quality line.
        var w = new WindowStats(4, SourceFigures.Empty, SourceFigures.Empty, 2, 2, 40 / 60.0, 0.0);

        Assert.Equal(Lines("""
            Your improvement stats
            Last 4 weeks: no ideas yet, but 2 reflections (0.7 h).
            Last 12 weeks: no ideas yet, but 2 reflections (0.7 h).
            Reflection streak: 2 weeks.
            """), ExperimentText.ForMember(new MemberStats(w, w with { Weeks = 12 }, 2)));
    }

    [Fact]
    public void ForMember_ReflectionIdeasWithoutReflectionsInWindow_SayFromReflection()
    {
        var w = new WindowStats(4, SourceFigures.Empty, new SourceFigures(2, 1, 1, 1, 1, 5), 0, 0, 0, null);

        var line = ExperimentText.ForMember(new MemberStats(w, w with { Weeks = 12 }, 0)).Split('\n')[1];

        Assert.Equal("Last 4 weeks: 0 in-flow ideas, 2 from reflection.", line);
    }

    [Fact]
    public void ForMember_UsesInvariantNumbers_WhateverTheCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Contains("(1.2 h, 3.3 ideas per hour;", ExperimentText.ForMember(SeededMember(Ada)));
            Assert.Contains("3.8 vs 3.0", ExperimentText.ForTeamMarkdown(ExperimentStats.ForTeam(SeededIdeas(), SeededReflections(), Now)));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void ForTeamMarkdown_SeededHistory_ProducesExpectedSection()
    {
        // 7 vs 6 ideas; 8 reflections, 7 / 2.7 h = 2.59 → "2.6"; ratings 3.8 vs 3.0 from 5 and 3; 13 ideas, 8 rated.
        var t = ExperimentStats.ForTeam(SeededIdeas(), SeededReflections(), Now);

        Assert.Equal(Lines("""
            ## The experiment: reflection vs in-flow
            Over the last 4 weeks, deliberate reflection produced more ideas than in-flow capture: 7 vs 6 (8 reflections, 2.6 ideas per hour of reflection).
            Reflection ideas were rated higher than in-flow ideas: 3.8 vs 3.0 on average (5 and 3 rated ideas).
            This rests on 13 ideas, 8 of them rated; private ideas are not counted.

            """), ExperimentText.ForTeamMarkdown(t));
    }

    [Fact]
    public void ForTeamMarkdown_NoData_SaysTooFewToTell()
    {
        var t = ExperimentStats.ForTeam([], [], Now);

        Assert.Equal(Lines("""
            ## The experiment: reflection vs in-flow
            Over the last 4 weeks, too few ideas yet to say whether reflection or in-flow capture produces more: 0 from reflection, 0 in-flow (needs 10 in total and 3 from each).
            Too few rated or finished ideas yet to say which are better (needs 3 rated or 5 adopted or dropped per source).
            This rests on no ideas yet; private ideas are not counted.

            """), ExperimentText.ForTeamMarkdown(t));
    }

    [Fact]
    public void ForTeamMarkdown_InFlowAheadAndAdoptionTie_SaysSoPlainly()
    {
        var t = new TeamExperiment(
            Weeks: 1,
            InFlow: new SourceFigures(9, 7, 2, 6, 0, null),
            Reflection: new SourceFigures(5, 5, 2, 5, 1, 4.0),
            Reflections: 3,
            KnownHours: 0,
            IdeasPerHour: null,
            MoreIdeas: Verdict.InFlow,
            BetterIdeas: Verdict.Tie,
            BetterBasis: ExperimentStats.BasisAdoption,
            RestsOnIdeas: 14,
            RestsOnRated: 1);

        // Adopted of finished: 2/5 = 40%, 2/6 = 33%.
        Assert.Equal(Lines("""
            ## The experiment: reflection vs in-flow
            Over the last week, in-flow capture produced more ideas than deliberate reflection: 9 vs 5 (3 reflections).
            Not enough ratings yet, and reflection and in-flow ideas were adopted about as often: 40% vs 33% of finished ideas (5 and 6 adopted or dropped).
            This rests on 14 ideas, 1 of them rated; private ideas are not counted.

            """), ExperimentText.ForTeamMarkdown(t));
    }

    [Fact]
    public void ForTeamMarkdown_EqualCountsAndInFlowRatedHigher_SaysSoPlainly()
    {
        var t = new TeamExperiment(4, new SourceFigures(6, 4, 2, 3, 4, 4.25), new SourceFigures(6, 3, 1, 2, 3, 3.0),
            0, 0, null, Verdict.Tie, Verdict.InFlow, ExperimentStats.BasisRating, 12, 7);

        Assert.Equal(Lines("""
            ## The experiment: reflection vs in-flow
            Over the last 4 weeks, deliberate reflection and in-flow capture produced the same number of ideas: 6 each.
            In-flow ideas were rated higher than reflection ideas: 4.3 vs 3.0 on average (4 and 3 rated ideas).
            This rests on 12 ideas, 7 of them rated; private ideas are not counted.

            """), ExperimentText.ForTeamMarkdown(t));
    }

    [Fact]
    public void ForTeamMarkdown_ReflectionAdoptedMoreOften_SaysSoPlainly()
    {
        var t = ExperimentStats.ForTeam(
            [
                .. Enumerable.Range(1, 5).Select(i => Idea(i, Ada, IdeaSource.Reflection, IdeaVisibility.Team,
                    i <= 3 ? IdeaStatus.Adopted : IdeaStatus.Dropped, DaysAgo(1), tried: true)),
                .. Enumerable.Range(6, 5).Select(i => Idea(i, Bob, IdeaSource.InFlow, IdeaVisibility.Team,
                    i <= 6 ? IdeaStatus.Adopted : IdeaStatus.Dropped, DaysAgo(1), tried: true)),
            ], [], Now);

        // 5 vs 5 ideas → tie; adopted of finished 3/5 = 60% vs 1/5 = 20%.
        Assert.Equal(Lines("""
            ## The experiment: reflection vs in-flow
            Over the last 4 weeks, deliberate reflection and in-flow capture produced the same number of ideas: 5 each.
            Not enough ratings yet, but reflection ideas were adopted more often than in-flow ideas: 60% vs 20% of finished ideas (5 and 5 adopted or dropped).
            This rests on 10 ideas, 0 of them rated; private ideas are not counted.

            """), ExperimentText.ForTeamMarkdown(t));
    }
}
