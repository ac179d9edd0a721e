using System.Globalization;
using System.Text;
using ImproveBot.Core.Ideas.Similarity;
using Xunit.Abstractions;

namespace ImproveBot.Core.Tests.Ideas.Similarity;

/// <summary>Tests for <see cref="SimilarIdeaFinder"/>, including its tuning on <see cref="SimilarIdeaLabelledSet"/>.</summary>
/// <remarks>
/// <para>Threshold sweep of <see cref="SimilarIdeaFinder.Score"/> over the labelled set (82 pairs: 42 same, 40 different),
/// as printed by <see cref="ThresholdSweep_ChosenThresholdHasTheBestF1"/>:</para>
/// <code>
/// threshold   TP  FP  FN  TN  precision  recall  F1
///      0.50   42  26   0  14      0.618   1.000  0.764
///      0.55   42  22   0  18      0.656   1.000  0.792
///      0.60   42  21   0  19      0.667   1.000  0.800
///      0.65   41  17   1  23      0.707   0.976  0.820
///      0.70   40   9   2  31      0.816   0.952  0.879
///      0.71   40   9   2  31      0.816   0.952  0.879
///      0.72   40   9   2  31      0.816   0.952  0.879
///      0.73   39   7   3  33      0.848   0.929  0.886
///      0.74   39   7   3  33      0.848   0.929  0.886
///      0.75   39   7   3  33      0.848   0.929  0.886
///      0.76   38   2   4  38      0.950   0.905  0.927
///      0.77   38   2   4  38      0.950   0.905  0.927  &lt;- chosen
///      0.78   38   2   4  38      0.950   0.905  0.927
///      0.79   37   2   5  38      0.949   0.881  0.914
///      0.80   37   2   5  38      0.949   0.881  0.914
///      0.81   36   0   6  40      1.000   0.857  0.923
///      0.82   36   0   6  40      1.000   0.857  0.923
///      0.83   36   0   6  40      1.000   0.857  0.923
///      0.84   35   0   7  40      1.000   0.833  0.909
///      0.85   34   0   8  40      1.000   0.810  0.895
///      0.86   32   0  10  40      1.000   0.762  0.865
///      0.90   29   0  13  40      1.000   0.690  0.817
///      0.95   16   0  26  40      1.000   0.381  0.552
/// </code>
/// <para>
/// 0.76–0.78 share the best F1 among thresholds meeting precision ≥ 0.9 and recall ≥ 0.8; 0.77 is their middle.
/// 0.81–0.83 would trade two more missed duplicates for no false offers (F1 0.923). The scores are ratios of
/// small word counts, so the table moves in steps: 0.75 is a four-word text with one word swapped
/// ("write for 30 minutes every morning" / "read for ..."), 0.80 a five-word one ("get feedback ..." /
/// "give feedback ..."), which no string measure can tell from a paraphrase.
/// </para>
/// <para>For comparison, each measure at its own best threshold (0.01 steps). None of the libraries' whole-text
/// measures reaches precision 0.9 with recall 0.8 at any threshold; the word overlap does:</para>
/// <code>
/// measure (on IdeaTextNormalizer.Normalize output)     best threshold  precision  recall  F1
/// F23 Cosine(k=2)                                                 0.71      0.719   0.976  0.828
/// F23 Cosine(k=3)                                                 0.57      0.667   1.000  0.800
/// F23 SorensenDice(k=2)                                           0.75      0.745   0.905  0.817
/// F23 Jaccard(k=2)                                                0.60      0.745   0.905  0.817
/// F23 NormalizedLevenshtein                                       0.41      0.565   0.929  0.703
/// F23 JaroWinkler (whole text)                                    0.83      0.756   0.738  0.747
/// FuzzySharp Fuzz.Ratio                                           0.65      0.603   0.905  0.724
/// FuzzySharp Fuzz.TokenSortRatio                                  0.80      0.778   0.833  0.805
/// FuzzySharp Fuzz.TokenSetRatio                                   0.88      0.795   0.833  0.814
/// FuzzySharp Fuzz.WeightedRatio                                   0.77      0.667   0.952  0.784
/// word overlap, Jaro-Winkler only (no first-letter, short-word,
///   compound or negation rules)                                   0.76      0.907   0.929  0.918
/// SimilarIdeaFinder.Score                                         0.77      0.950   0.905  0.927
/// </code>
/// </remarks>
public sealed class SimilarIdeaFinderTests(ITestOutputHelper output)
{
    /// <summary>Thresholds swept while tuning; the chosen one is among them.</summary>
    private static readonly double[] SweepThresholds =
    [
        0.50, 0.55, 0.60, 0.65,
        0.70, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78, 0.79, 0.80, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86,
        0.90, 0.95,
    ];

    [Fact]
    public void LabelledSet_PrecisionAndRecallAtThreshold()
    {
        var result = Evaluate(SimilarIdeaFinder.Threshold);

        output.WriteLine($"Threshold {SimilarIdeaFinder.Threshold:F2} on {SimilarIdeaLabelledSet.Pairs.Count} labelled pairs");
        output.WriteLine($"TP={result.TruePositives} FP={result.FalsePositives} FN={result.FalseNegatives} TN={result.TrueNegatives}");
        output.WriteLine($"precision={result.Precision:F3} recall={result.Recall:F3} F1={result.F1:F3}");
        output.WriteLine("Misjudged pairs (score, label, texts):");
        foreach (var (pair, score) in ScoredPairs().Where(x => x.Score >= SimilarIdeaFinder.Threshold != x.Pair.SameIdea))
        {
            output.WriteLine($"  {score:F3} {(pair.SameIdea ? "same" : "diff")}  \"{pair.A}\" | \"{pair.B}\"");
        }

        Assert.True(result.Precision >= 0.9, $"precision {result.Precision:F3} < 0.9");
        Assert.True(result.Recall >= 0.8, $"recall {result.Recall:F3} < 0.8");
    }

    [Fact]
    public void ThresholdSweep_ChosenThresholdHasTheBestF1()
    {
        output.WriteLine(SweepTable());

        // If this fails after the labelled set or the scoring changed, re-run the sweep and re-tune
        // SimilarIdeaFinder.Threshold (and the table in this class's remarks) rather than loosening the test.
        var chosen = Evaluate(SimilarIdeaFinder.Threshold);
        var feasible = SweepThresholds.Select(Evaluate).Where(r => r.Precision >= 0.9 && r.Recall >= 0.8).ToList();
        Assert.NotEmpty(feasible);
        Assert.Equal(feasible.Max(r => r.F1), chosen.F1, precision: 9);
    }

    [Fact]
    public void LabelledSet_CoversEveryThemeWithBothLabels()
    {
        var pairs = SimilarIdeaLabelledSet.Pairs;
        Assert.True(pairs.Count >= 60);
        var same = pairs.Count(p => p.SameIdea);
        Assert.InRange(same, pairs.Count * 2 / 5, pairs.Count * 3 / 5);
        string[] themes = ["collaboration", "prioritization", "decomposition", "reading", "writing", "tools", "feedback", "focus"];
        foreach (var theme in themes)
        {
            Assert.Contains(pairs, p => p.Theme == theme && p.SameIdea);
            Assert.Contains(pairs, p => p.Theme == theme && !p.SameIdea);
        }
    }

    [Fact]
    public void Score_IsSymmetricAndWithinZeroToOne_OnTheLabelledSet()
    {
        foreach (var pair in SimilarIdeaLabelledSet.Pairs)
        {
            var forward = SimilarIdeaFinder.Score(pair.A, pair.B);
            Assert.Equal(forward, SimilarIdeaFinder.Score(pair.B, pair.A));
            Assert.InRange(forward, 0, 1);
        }
    }

    [Theory]
    [InlineData("Read papers with a question first", "read papers with a question first")]
    [InlineData("Read papers with a question first #reading", "read papers, with a question first: reading!")]
    [InlineData("Block mornings for #writing", "BLOCK mornings for writing...")]
    [InlineData("Ｒｅａｄ papers with a question first", "Read papers with a question first")] // full-width letters (FormKC)
    [InlineData("write more", "Write more!")]
    public void Score_IsOne_ForTheSameTextModuloCasePunctuationAndTags(string a, string b)
    {
        Assert.Equal(1.0, SimilarIdeaFinder.Score(a, b));
    }

    [Theory]
    [InlineData("Read the abstract and conclusion before deciding to read a paper",
        "before reading a paper, read its abstract and conclusion first")]
    [InlineData("Prioritise the experiments that answer the main reserch question",
        "prioritize experiments answering the main research question")]
    [InlineData("Pair program with a labmate once a week", "pair-programming with a lab mate every week")]
    [InlineData("Don't check email before noon", "do not check e-mail before noon #focus")]
    public void Score_ReachesTheThreshold_ForParaphrasesTyposAndCompounds(string a, string b)
    {
        Assert.True(SimilarIdeaFinder.Score(a, b) >= SimilarIdeaFinder.Threshold);
    }

    [Theory]
    [InlineData("read more", "write more")]
    [InlineData("write more", "write less")]
    [InlineData("Use Pomodoro", "use Notion")]
    [InlineData("Block mornings for writing", "Block mornings for reading")]
    [InlineData("Write the introduction last", "write the introduction first")]
    [InlineData("Check email before noon", "Don't check email before noon")]
    [InlineData("Write a test first", "write a text first")] // one letter apart, but short words are not typo-matched
    public void Score_StaysBelowTheThreshold_ForHardNegatives(string a, string b)
    {
        Assert.True(SimilarIdeaFinder.Score(a, b) < SimilarIdeaFinder.Threshold);
    }

    [Theory]
    [InlineData("research", "reserch", true)]          // typo
    [InlineData("prioritise", "prioritizing", true)]   // spelling variant and inflection
    [InlineData("papers", "paper", true)]
    [InlineData("read", "reading", true)]              // short word: inflections only
    [InlineData("plan", "planning", true)]
    [InlineData("make", "making", true)]
    [InlineData("reading", "writing", false)]
    [InlineData("read", "review", false)]
    [InlineData("test", "text", false)]
    [InlineData("not", "notes", false)]
    [InlineData("important", "unimportant", false)]   // a different first letter is a different word
    [InlineData("12345", "12346", false)]              // numbers match only themselves
    [InlineData("2026", "2026", true)]
    public void WordsMatch_ForgivesTyposAndInflectionsButNotOtherWords(string u, string v, bool expected)
    {
        Assert.Equal(expected, SimilarIdeaFinder.WordsMatch(u, v));
        Assert.Equal(expected, SimilarIdeaFinder.WordsMatch(v, u));
    }

    [Theory]
    [InlineData(null, "read papers")]
    [InlineData("read papers", null)]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("   ", "read papers")]
    [InlineData("!!! ###", "!!! ###")] // no words at all
    public void Score_IsZero_ForNullOrEmptyTexts(string? a, string? b)
    {
        Assert.Equal(0.0, SimilarIdeaFinder.Score(a, b));
    }

    [Fact]
    public void Score_HandlesTextsOfTheMaximumLength()
    {
        var longText = string.Concat(Enumerable.Repeat("Read the abstract, then the conclusion; ", 60))[..2000];
        var score = SimilarIdeaFinder.Score(longText, longText + "!");
        Assert.Equal(1.0, score);
        Assert.InRange(SimilarIdeaFinder.Score(longText, "read the abstract first"), 0, 1);
    }

    [Fact]
    public void FindMostSimilar_ReturnsTheBestOfSeveralMatches()
    {
        IdeaCandidate[] candidates =
        [
            new(1, "Use Zotero to manage references"),
            new(2, "read papers with a question in mind first #reading"), // matches, less closely
            new(3, "Read papers with a question first"),                  // the closest
            new(4, "Write papers with a question first"),
        ];

        var match = SimilarIdeaFinder.FindMostSimilar("read papers with a question first #reading", candidates);

        Assert.NotNull(match);
        Assert.Equal(3, match.Id);
        Assert.Equal("Read papers with a question first", match.Text);
        Assert.Equal(SimilarIdeaFinder.Score("read papers with a question first #reading", match.Text), match.Score);
        Assert.True(SimilarIdeaFinder.Score("read papers with a question first #reading", candidates[1].Text) >= SimilarIdeaFinder.Threshold);
        Assert.True(match.Score > SimilarIdeaFinder.Score("read papers with a question first #reading", candidates[1].Text));
    }

    [Fact]
    public void FindMostSimilar_PrefersTheEarlierCandidate_OnEqualScores()
    {
        IdeaCandidate[] candidates = [new(7, "Block mornings for writing"), new(8, "block mornings for writing!")];

        Assert.Equal(7, SimilarIdeaFinder.FindMostSimilar("block the mornings for writing", candidates)?.Id);
    }

    [Fact]
    public void FindMostSimilar_ReturnsNull_WhenNoCandidateReachesTheThreshold()
    {
        IdeaCandidate[] candidates =
        [
            new(1, "Block mornings for reading"),
            new(2, "Use Zotero to manage references"),
            new(3, ""),
        ];

        Assert.Null(SimilarIdeaFinder.FindMostSimilar("Block mornings for writing", candidates));
        Assert.Null(SimilarIdeaFinder.FindMostSimilar("Block mornings for writing", Array.Empty<IdeaCandidate>()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void FindMostSimilar_ReturnsNull_ForNullOrEmptyText(string? text)
    {
        Assert.Null(SimilarIdeaFinder.FindMostSimilar(text, [new IdeaCandidate(1, ""), new IdeaCandidate(2, "read papers")]));
    }

    [Fact]
    public void FindMostSimilar_SkipsCandidatesWithoutText()
    {
        IdeaCandidate[] candidates = [new(1, null!), new(2, "   "), new(3, "block mornings for writing")];

        Assert.Equal(3, SimilarIdeaFinder.FindMostSimilar("Block mornings for writing", candidates)?.Id);
    }

    [Fact]
    public void FindMostSimilar_RejectsNullCandidates()
    {
        Assert.Throws<ArgumentNullException>(() => SimilarIdeaFinder.FindMostSimilar("read papers", (IEnumerable<IdeaCandidate>)null!));
    }

    [Fact]
    public void FindMostSimilar_GetsThroughTwoThousandCandidates()
    {
        // A sanity check that a team-sized list is handled in one pass, deliberately without a timing
        // assertion (timings flake on shared CI machines). Measured separately in a Release build: about 1 ms per
        // call for 2,000 typical ideas, about 0.3 s in the extreme case of 2,000 candidates of 2,000 characters each.
        var texts = SimilarIdeaLabelledSet.Pairs.SelectMany(p => new[] { p.A, p.B }).Where(t => !t.Contains("abstract", StringComparison.Ordinal)).ToArray();
        var candidates = Enumerable.Range(0, 2000)
            .Select(i => new IdeaCandidate(i, $"{texts[i % texts.Length]} #{i % 8}"))
            .Append(new IdeaCandidate(5000, "Read the abstract and conclusion before deciding to read a paper"))
            .ToList();

        var match = SimilarIdeaFinder.FindMostSimilar("before reading a paper, read its abstract and conclusion first", candidates);

        Assert.Equal(5000, match?.Id);
    }

    private static IEnumerable<(LabelledPair Pair, double Score)> ScoredPairs() =>
        SimilarIdeaLabelledSet.Pairs.Select(p => (p, SimilarIdeaFinder.Score(p.A, p.B)));

    private static SweepResult Evaluate(double threshold)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var (pair, score) in ScoredPairs())
        {
            var predicted = score >= threshold;
            if (predicted && pair.SameIdea) tp++;
            else if (predicted) fp++;
            else if (pair.SameIdea) fn++;
            else tn++;
        }
        return new SweepResult(threshold, tp, fp, fn, tn);
    }

    private static string SweepTable()
    {
        var table = new StringBuilder();
        table.AppendLine("threshold   TP  FP  FN  TN  precision  recall  F1");
        foreach (var r in SweepThresholds.Select(Evaluate))
        {
            var marker = Math.Abs(r.Threshold - SimilarIdeaFinder.Threshold) < 1e-9 ? "  <- chosen" : "";
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Threshold,9:F2}  {r.TruePositives,3} {r.FalsePositives,3} {r.FalseNegatives,3} {r.TrueNegatives,3}  {r.Precision,9:F3}  {r.Recall,6:F3}  {r.F1:F3}{marker}"));
        }
        return table.ToString();
    }

    /// <summary>Confusion counts of "score ≥ threshold" against the labels.</summary>
    private sealed record SweepResult(double Threshold, int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
    {
        public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);
        public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);
        public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
    }
}
