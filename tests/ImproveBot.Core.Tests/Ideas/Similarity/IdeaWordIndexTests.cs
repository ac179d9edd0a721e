using ImproveBot.Core.Ideas;
using ImproveBot.Core.Ideas.Similarity;

namespace ImproveBot.Core.Tests.Ideas.Similarity;

/// <summary>The word index must find exactly what scoring every idea would find, only faster.</summary>
public sealed class IdeaWordIndexTests
{
    private const long Ada = 1, Bob = 2;

    // Compounds, negations, typos and a long text exercise every way two words can count as a match.
    private static readonly string[] EdgeTexts =
    [
        "answer e mail after lunch", "answer email after lunch", "check email before noon", "don't check email before noon",
        "pair with co authors weekly", "pair with coauthors weekly", "meet lab mates on friday", "meet labmates on friday",
        "reserch log every day", "research log every day", "e mail", "email", "lab mates", "labmates",
        // Numbers match only themselves, whole: neither as typos nor as compounds.
        "plan 2026 goals with the lab", "plan 2026 goals with the lab", "close ticket 12345 this week", "close ticket 12346 this week",
        "book room 20 26 early", "book room 2026 early", "ship v2 release notes", "ship v2 release notes",
        string.Join(' ', Enumerable.Range(1, 70).Select(n => $"word{n}")), string.Join(' ', Enumerable.Range(1, 69).Select(n => $"word{n}")),
    ];

    private static (long Id, double Score)? BruteForce(IReadOnlyList<(long Id, string Text)> ideas, string text)
    {
        var best = ideas.Select(i => (i.Id, Score: SimilarIdeaFinder.Score(text, i.Text)))
            .Where(i => i.Score >= SimilarIdeaFinder.Threshold)
            .OrderByDescending(i => i.Score).ThenByDescending(i => i.Id).ToList(); // newest wins ties
        return best.Count == 0 ? null : best[0];
    }

    /// <summary>Asserts that the index offers Bob the idea (and score) that scoring every stored idea gives; true if there is one.</summary>
    private static bool FindsWhatScoringEveryIdeaFinds(IdeaWordIndex index, IReadOnlyList<(long Id, string Text)> stored, string query)
    {
        var expected = BruteForce(stored, query);
        var found = index.FindMostSimilar(query, viewerId: Bob, excludeId: -1);
        Assert.True(expected?.Id == found?.Idea.Id, $"\"{query}\": expected #{expected?.Id} ({expected?.Score}), found #{found?.Idea.Id} ({found?.Score})");
        Assert.Equal(expected?.Score, found?.Score);
        return expected is not null;
    }

    [Fact]
    public void FindsWhatScoringEveryIdeaFinds_OnTheLabelledSetAndEdgeCases()
    {
        var stored = SimilarIdeaLabelledSet.Pairs.Select(p => p.A).Concat(EdgeTexts.Where((_, i) => i % 2 == 0)).Distinct()
            .Select((text, i) => (Id: (long)i + 1, Text: text)).ToList();
        var queries = SimilarIdeaLabelledSet.Pairs.Select(p => p.B).Concat(EdgeTexts.Where((_, i) => i % 2 == 1)).Distinct().ToList();
        var index = new IdeaWordIndex(capacity: 10_000);
        foreach (var (id, text) in stored) index.Add(id, Ada, IdeaVisibility.Team, "ada", text);

        var matches = 0;
        foreach (var query in queries)
        {
            if (FindsWhatScoringEveryIdeaFinds(index, stored, query)) matches++;
        }
        Assert.True(matches >= 40, $"only {matches} queries had a match");
    }

    [Fact]
    public void PrivateIdeas_AreOnlyOfferedToTheirAuthor_AndTheNewIdeaItselfIsExcluded()
    {
        var index = new IdeaWordIndex(capacity: 100);
        index.Add(1, Ada, IdeaVisibility.Private, null, "block mornings for writing");
        index.Add(2, Bob, IdeaVisibility.Team, "bob", "block mornings for writing");

        Assert.Equal(2, index.FindMostSimilar("block the mornings for writing", viewerId: Bob, excludeId: -1)?.Idea.Id);
        Assert.Equal(2, index.FindMostSimilar("block the mornings for writing", viewerId: Ada, excludeId: -1)?.Idea.Id); // newest wins the tie
        Assert.Equal(1, index.FindMostSimilar("block the mornings for writing", viewerId: Ada, excludeId: 2)?.Idea.Id);
        Assert.Null(index.FindMostSimilar("block the mornings for writing", viewerId: Bob, excludeId: 2));
    }

    [Fact]
    public void TheOldestIdeasLeave_AtCapacity_AndWithdrawnOnesAreNotOffered()
    {
        var index = new IdeaWordIndex(capacity: 3);
        index.Add(1, Ada, IdeaVisibility.Team, "ada", "read papers with a question first");
        index.Add(2, Ada, IdeaVisibility.Team, "ada", "keep a lab notebook every day");
        index.Add(3, Ada, IdeaVisibility.Team, "ada", "timebox literature searches");
        Assert.Equal(1, index.FindMostSimilar("read papers with a question in mind first", Bob, -1)?.Idea.Id);

        index.Add(4, Ada, IdeaVisibility.Team, "ada", "pair on code reviews weekly");
        Assert.Equal(3, index.Count);
        Assert.Null(index.FindMostSimilar("read papers with a question in mind first", Bob, -1));

        index.Remove(3);
        Assert.Null(index.FindMostSimilar("timebox the literature searches", Bob, -1));
        Assert.Equal(4, index.FindMostSimilar("pair on the code reviews weekly", Bob, -1)?.Idea.Id);
    }

    [Fact]
    public void AnIdeaAddedTwice_IsHeldOnce_SoWithdrawingItLeavesNoCopyBehind()
    {
        // A team's index loaded from the store just after an idea was committed already holds it when the idea is added.
        var index = new IdeaWordIndex(capacity: 3);
        index.Add(1, Ada, IdeaVisibility.Team, "ada", "read papers with a question first");
        index.Add(1, Ada, IdeaVisibility.Team, "ada", "read papers with a question first");
        Assert.Equal(1, index.Count);

        index.Remove(1);
        Assert.Null(index.FindMostSimilar("read papers with a question in mind first", Bob, -1));
        // Its slot and postings age out as any other's: searches with its words keep working after it has left.
        string[] later = ["keep a lab notebook every day", "timebox literature searches", "pair on code reviews weekly", "draft papers before noon"];
        for (var i = 0; i < later.Length; i++) index.Add(i + 2, Ada, IdeaVisibility.Team, "ada", later[i]);
        Assert.Equal(3, index.Count);
        Assert.Null(index.FindMostSimilar("read papers with a question in mind first", Bob, -1));
        Assert.Null(index.FindMostSimilar("keep a lab notebook every single day", Bob, -1));
        Assert.Equal(5, index.FindMostSimilar("draft the papers before noon", Bob, -1)?.Idea.Id);
    }

    [Fact]
    public void AWithdrawnIdea_AgesOutLikeAnyOther_AndSearchesWithItsWordsKeepWorking()
    {
        // "+1 that one instead" withdraws the new idea; once it has aged out, its words must not point outside the window.
        var index = new IdeaWordIndex(capacity: 2);
        index.Add(1, Ada, IdeaVisibility.Team, "ada", "read papers with a question first");
        index.Remove(1);
        index.Add(2, Ada, IdeaVisibility.Team, "ada", "keep a lab notebook every day");
        index.Add(3, Ada, IdeaVisibility.Team, "ada", "timebox literature searches");
        index.Add(4, Ada, IdeaVisibility.Team, "ada", "read papers with a question in mind first");

        Assert.Equal(4, index.FindMostSimilar("read papers with a question first", Bob, -1)?.Idea.Id);
        Assert.Null(index.FindMostSimilar("keep a lab notebook every day", Bob, -1));
    }

    [Fact]
    public void ManyIdeasThroughTheCapacity_StillAgreeWithScoringEveryIdea()
    {
        // More ideas than the capacity, from a small vocabulary (as a busy team's are): the aged-out ones must not be found.
        var verbs = new[] { "block", "batch", "draft", "sketch", "review", "plan" };
        var objects = new[] { "email replies", "paper intros", "code reviews", "lab notes", "reading lists" };
        var contexts = new[] { "before lunch", "after standup", "on monday mornings", "with a coauthor", "with a co author" };
        var random = new Random(7);
        var index = new IdeaWordIndex(capacity: 50);
        var all = new List<(long Id, string Text)>();
        for (var id = 1; id <= 300; id++)
        {
            var text = $"{verbs[random.Next(verbs.Length)]} {objects[random.Next(objects.Length)]} {contexts[random.Next(contexts.Length)]}";
            all.Add((id, text));
            index.Add(id, Ada, IdeaVisibility.Team, "ada", text);
            if (id % 10 != 0) continue;
            var query = $"{verbs[random.Next(verbs.Length)]} the {objects[random.Next(objects.Length)]} {contexts[random.Next(contexts.Length)]}";
            FindsWhatScoringEveryIdeaFinds(index, all.TakeLast(50).ToList(), query);
        }
    }

    [Fact]
    public void TextsWithRepeatedWordsAndCompounds_AgreeWithScoringEveryIdea()
    {
        // Repeats ("review review review plan") and compounds ("e mail" / "email") are where a bound that counts
        // positions can go wrong: an idea may relate to the new one in many places through one shared word.
        var words = new[] { "review", "reviews", "plan", "e", "mail", "email", "lab", "mates", "labmates", "not", "write", "writing", "2026" };
        var random = new Random(20261127);
        string RandomText() => string.Join(' ', Enumerable.Range(0, random.Next(1, 13)).Select(_ => words[random.Next(words.Length)]));
        var index = new IdeaWordIndex(capacity: 400);
        var stored = new List<(long Id, string Text)>();
        for (var id = 1; id <= 400; id++)
        {
            var text = RandomText();
            stored.Add((id, text));
            index.Add(id, Ada, IdeaVisibility.Team, "ada", text);
        }

        var matches = 0;
        for (var q = 0; q < 300; q++)
        {
            var query = RandomText();
            if (FindsWhatScoringEveryIdeaFinds(index, stored, query)) matches++;
        }
        Assert.True(matches >= 100, $"only {matches} of 300 queries had a match: the test would not notice a bound that is too tight");
    }

    [Fact]
    public void IdeasLongerThanTheBitMasks_AgreeWithScoringEveryIdea()
    {
        // Positions past 62 share one bit of the search's masks, and a prefix at position 62 reaches into it: ideas that
        // long are scored exactly, and a short query must still find, or not find, what scoring every idea finds.
        var words = new[] { "review", "reviews", "plan", "e", "mail", "email", "lab", "mates", "labmates", "not", "write", "writing" };
        var random = new Random(42);
        string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));
        var index = new IdeaWordIndex(capacity: 200);
        var stored = new List<(long Id, string Text)>();
        for (var id = 1; id <= 200; id++)
        {
            // Long and short ideas mixed; every long one ends in a compound whose head sits at position 62 or past it.
            var text = id % 2 == 0 ? Words(random.Next(1, 8)) : Words(random.Next(62, 71)) + " e mail";
            stored.Add((id, text));
            index.Add(id, Ada, IdeaVisibility.Team, "ada", text);
        }

        var matches = 0;
        for (var q = 0; q < 200; q++)
        {
            // Short queries, and long ones made from a stored long idea with one word dropped (so some of them match).
            string query;
            if (q % 2 == 0) query = Words(random.Next(1, 10));
            else
            {
                var source = stored[random.Next(stored.Count / 2) * 2].Text.Split(' ');
                var drop = random.Next(source.Length);
                query = string.Join(' ', source.Where((_, i) => i != drop));
            }
            if (FindsWhatScoringEveryIdeaFinds(index, stored, query)) matches++;
        }
        Assert.True(matches >= 50, $"only {matches} of 200 queries had a match: the test would not notice a bound that is too tight");
    }
}
