using ImproveBot.Core.Ideas.Similarity;

namespace ImproveBot.Core.Tests.Ideas.Similarity;

/// <summary>
/// The first-letter bound lets a new idea skip most of a team's ideas without scoring them. It may keep pairs that do
/// not match, but it must never drop a pair that does: that would silently lose a "+1 instead?" offer.
/// </summary>
public sealed class SimilarityBoundTests
{
    private static readonly string[] Texts = SimilarIdeaLabelledSet.Pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().ToArray();

    // Compounds, negations and a long text take the scorer's slower branches.
    private static readonly string[] EdgeTexts =
    [
        "answer e mail after lunch", "answer email after lunch", "check email before noon", "don't check email before noon",
        "pair with co authors weekly", "pair with coauthors weekly", "meet lab mates on friday", "meet labmates on friday",
        string.Join(' ', Enumerable.Range(1, 70).Select(n => $"word{n}")), string.Join(' ', Enumerable.Range(1, 69).Select(n => $"word{n}")),
    ];

    [Fact]
    public void Bound_KeepsEveryPairThatReachesTheThreshold_AcrossAllLabelledTexts()
    {
        var prepared = Texts.Select((t, i) => PreparedCandidate.Of(i, t)).ToArray();
        int matching = 0, skipped = 0;
        foreach (var a in prepared)
        {
            foreach (var b in prepared)
            {
                var reaches = SimilarIdeaFinder.Score(a.Text, b.Text) >= SimilarIdeaFinder.Threshold;
                var kept = SimilarIdeaFinder.MayReachThreshold(a, b);
                if (reaches)
                {
                    matching++;
                    Assert.True(kept, $"bound dropped a match: \"{a.Text}\" / \"{b.Text}\"");
                }
                if (!kept) skipped++;
            }
        }
        Assert.True(matching > Texts.Length, "every text matches itself, and the labelled set has real matches besides");
        // The bound is only worth having if it skips most unrelated pairs.
        Assert.True(skipped > prepared.Length * prepared.Length / 2, $"the bound skipped only {skipped} of {prepared.Length * prepared.Length} pairs");
    }

    [Theory]
    [InlineData("e mail", "email")]                                            // a compound's tail has another first letter
    [InlineData("lab mates", "labmates")]
    [InlineData("answer e mail after lunch", "answer email after lunch")]      // a compound's tail has another first letter
    [InlineData("pair with co authors weekly", "pair with coauthors weekly")]
    [InlineData("meet lab mates on friday", "meet labmates on friday")]
    [InlineData("reserch log every day", "research log every day")]             // typo
    [InlineData("plan the week on monday", "planning the week on monday")]      // inflection
    public void Bound_KeepsCompoundsTyposAndInflections(string a, string b)
    {
        var (pa, pb) = (PreparedCandidate.Of(1, a), PreparedCandidate.Of(2, b));
        Assert.True(SimilarIdeaFinder.Score(a, b) >= SimilarIdeaFinder.Threshold, "precondition: the pair matches");
        Assert.True(SimilarIdeaFinder.MayReachThreshold(pa, pb));
        Assert.True(SimilarIdeaFinder.MayReachThreshold(pb, pa));
    }

    [Fact]
    public void Bound_SkipsUnrelatedIdeas()
    {
        var a = PreparedCandidate.Of(1, "Block mornings for deep writing work");
        var b = PreparedCandidate.Of(2, "Use Zotero to manage references");
        Assert.False(SimilarIdeaFinder.MayReachThreshold(a, b));
    }

    [Fact]
    public void FindMostSimilar_WithTheBound_AgreesWithScoringEveryCandidate()
    {
        var all = Texts.Concat(EdgeTexts).Select((t, i) => new IdeaCandidate(i, t)).ToArray();
        var compared = 0;
        foreach (var text in Texts.Take(80).Concat(EdgeTexts))
        {
            // Without the text itself, which would win every time with a perfect score.
            var candidates = all.Where(c => c.Text != text).ToArray();
            var expected = candidates.Select(c => (c.Id, Score: SimilarIdeaFinder.Score(text, c.Text)))
                .Where(c => c.Score >= SimilarIdeaFinder.Threshold)
                .OrderByDescending(c => c.Score).ThenBy(c => c.Id).FirstOrDefault();
            if (expected.Score > 0) compared++;
            var found = SimilarIdeaFinder.FindMostSimilar(text, candidates);
            Assert.Equal(expected.Score, found?.Score ?? 0);
            Assert.Equal(expected.Id, found?.Id ?? 0);
        }
        Assert.True(compared >= 40, $"only {compared} texts had a match to compare");
    }

    [Theory]
    [InlineData("check email before noon", "don't check email before noon")]       // negated on one side only
    [InlineData("never skip the weekly review", "skip the weekly review")]
    [InlineData("Block mornings for writing", "Block mornings for reading")]       // one word swapped in four
    public void FindMostSimilar_OneCandidateBelowTheThreshold_IsNoMatch(string text, string candidate)
    {
        Assert.True(SimilarIdeaFinder.Score(text, candidate) < SimilarIdeaFinder.Threshold, "precondition");
        Assert.Null(SimilarIdeaFinder.FindMostSimilar(text, [new IdeaCandidate(1, candidate)]));
    }

    [Theory]
    [InlineData("e mail", "email")]
    [InlineData("pair with co authors weekly", "pair with coauthors weekly")]
    [InlineData("reserch log every day", "research log every day")]
    [InlineData("plan the week on monday", "planning the week on monday")]
    [InlineData("don't check email before noon", "never check email before noon")] // negated on both sides
    public void FindMostSimilar_OneCandidateAboveTheThreshold_ScoresAsScoreDoes(string text, string candidate)
    {
        var match = SimilarIdeaFinder.FindMostSimilar(text, [new IdeaCandidate(1, candidate)]);
        Assert.NotNull(match);
        Assert.Equal(SimilarIdeaFinder.Score(text, candidate), match.Score);
    }
}
