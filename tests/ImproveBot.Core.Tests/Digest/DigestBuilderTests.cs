using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using static ImproveBot.Core.Tests.Digest.DigestFixtures;

namespace ImproveBot.Core.Tests.Digest;

public class DigestBuilderTests
{
    private static long[] Ids(IEnumerable<DigestIdea> ideas) => ideas.Select(i => i.Id).ToArray();

    [Fact]
    public void Build_SeededWeek_CountsMatchHandComputedValues()
    {
        var digest = DigestBuilder.Build(SeededWeek());

        Assert.Equal(new DigestParticipation(Prompted: 9, Reflected: 7, Skipped: 1, MedianReflectionMinutes: 18, UnknownDurations: 2),
            digest.Participation);
        Assert.Equal(2, digest.SourceCounts.InFlow);
        Assert.Equal(2, digest.SourceCounts.Reflection);
        Assert.Equal(1.5, digest.SourceCounts.KnownReflectionHours, precision: 10);
        Assert.Equal(2 / 1.5, digest.SourceCounts.IdeasPerReflectionHour!.Value, precision: 10);
        Assert.Equal(["reading", "tooling", "other"], digest.NewIdeaGroups.Select(g => g.Tag));
        Assert.Equal([1L, 2L], Ids(digest.NewIdeaGroups[0].Ideas));
        Assert.Equal([6L], Ids(digest.NewIdeaGroups[1].Ideas));
        Assert.Equal([3L], Ids(digest.NewIdeaGroups[2].Ideas));
        Assert.Equal([5L, 1L, 3L, 2L], Ids(digest.MostVoted));
        Assert.Equal([4L, 3L, 8L], Ids(digest.StatusChanges));
        Assert.False(digest.IsEmpty);
    }

    [Fact]
    public void Build_SeededWeek_CopiesIdeaFieldsAndHeader()
    {
        var digest = DigestBuilder.Build(SeededWeek());

        Assert.Equal("Vision Lab", digest.TeamName);
        Assert.Equal(RoundDate, digest.RoundDate);
        Assert.Equal(PeriodStart, digest.PeriodStart);
        Assert.Equal(PeriodEnd, digest.PeriodEnd);
        var first = digest.NewIdeaGroups[0].Ideas[0];
        Assert.Equal(1, first.Id);
        Assert.Equal("Read one paper together each Friday", first.Text);
        Assert.Equal("Ada", first.Author);
        Assert.Equal(3, first.Votes);
        Assert.Equal(IdeaSource.Reflection, first.Source);
        Assert.Equal(["reading"], first.Tags);
        Assert.Equal(IdeaStatus.New, first.Status);
    }

    public static TheoryData<int?[], double?, int> MedianCases => new()
    {
        // Durations in seconds (null = unknown); expected median minutes; expected unknown count.
        { [600, 1200, 1800], 20.0, 0 },            // odd: the middle value
        { [600, 1200], 15.0, 0 },                  // even: mean of the two middle values
        { [1560, 600, 1200, 900], 17.5, 0 },       // even, unsorted input: (15 + 20) / 2
        { [null, 720, 2400, null, 1200], 20.0, 2 }, // unknowns are left out of the median but counted
        { [1092, 1098], 18.3, 0 },                 // 18.2 and 18.3 min: 18.25 rounds away from zero
        { [null, null], null, 2 },                 // nothing known: no median
        { [], null, 0 },
    };

    [Theory]
    [MemberData(nameof(MedianCases))]
    public void Build_ReflectionDurations_MedianOfKnownMinutesRoundedToOneDecimal(int?[] seconds, double? median, int unknown)
    {
        var durations = seconds.Select(s => s is { } value ? TimeSpan.FromSeconds(value) : (TimeSpan?)null).ToList();

        var participation = DigestBuilder.Build(Input(durations: durations, reflected: durations.Count)).Participation;

        Assert.Equal(median, participation.MedianReflectionMinutes);
        Assert.Equal(unknown, participation.UnknownDurations);
    }

    [Fact]
    public void Build_NewIdeas_GroupedByFirstTagLargestFirstThenByNameWithUntaggedLast()
    {
        var input = Input(ideas:
        [
            Row(1, tags: ["writing"]),
            Row(2, tags: []),
            Row(3, tags: ["#Reading", "writing"]), // first tag wins; "#Reading" normalises to "reading"
            Row(4, tags: []),
            Row(5, tags: ["reading"]),
            Row(6, tags: ["  ", "tooling"]),       // a blank first tag is skipped
            Row(7, tags: []),
            Row(8, tags: ["admin"]),
        ]);

        var groups = DigestBuilder.Build(input).NewIdeaGroups;

        // "other" has the most ideas (3) but is still last; "admin" and "tooling" tie on size and sort by name.
        Assert.Equal(["reading", "admin", "tooling", "writing", "other"], groups.Select(g => g.Tag));
        Assert.Equal([3L, 5L], Ids(groups[0].Ideas));
        Assert.Equal([2L, 4L, 7L], Ids(groups[^1].Ideas));
    }

    [Fact]
    public void Build_NewIdeasInsideGroup_OrderedByVotesThenOldestFirst()
    {
        var input = Input(ideas:
        [
            Row(1, tags: ["x"], votes: 1, createdAt: Day(1)),
            Row(2, tags: ["x"], votes: 3, createdAt: Day(3)),
            Row(3, tags: ["x"], votes: 1, createdAt: Day(0.5)),
            Row(4, tags: ["x"], votes: 3, createdAt: Day(2)),
        ]);

        var group = Assert.Single(DigestBuilder.Build(input).NewIdeaGroups);

        Assert.Equal([4L, 2L, 3L, 1L], Ids(group.Ideas));
    }

    [Fact]
    public void Build_IdeasCreatedOutsidePeriod_NotInNewIdeasNorSourceCounts()
    {
        var input = Input(ideas:
        [
            Row(1, createdAt: PeriodStart),                          // start is inclusive
            Row(2, createdAt: PeriodEnd.AddTicks(-1)),
            Row(3, createdAt: PeriodEnd),                            // end is exclusive
            Row(4, createdAt: PeriodStart.AddTicks(-1)),
            Row(5, createdAt: new DateTimeOffset(2025, 3, 17, 1, 0, 0, TimeSpan.FromHours(2))), // 23:00 UTC on the 16th: inside
            Row(6, createdAt: new DateTimeOffset(2025, 3, 10, 1, 0, 0, TimeSpan.FromHours(2))), // 23:00 UTC on the 9th: outside
        ]);

        var digest = DigestBuilder.Build(input);

        Assert.Equal([1L, 2L, 5L], Ids(digest.NewIdeaGroups.SelectMany(g => g.Ideas)).Order());
        Assert.Equal(3, digest.SourceCounts.InFlow);
    }

    [Fact]
    public void Build_PrivateIdea_NeverAppearsOrCounts()
    {
        var seeded = SeededWeek(); // already holds one private idea, #7
        var withoutPrivate = seeded with { Ideas = seeded.Ideas.Where(i => i.Visibility != IdeaVisibility.Private).ToList() };
        // More private ideas that would touch every section if they were visible: new, voted, status changed,
        // reflection-sourced (rate), joining an existing tag, untagged ("other") and with a tag of their own.
        DigestIdeaRow[] privateIdeas =
        [
            Row(100, "Zed's reflection note", ["reading"], IdeaSource.Reflection, IdeaVisibility.Private, author: "Zed",
                votes: 9, createdAt: Day(2)),
            Row(101, "Zed's in-flow note", [], IdeaSource.InFlow, IdeaVisibility.Private, IdeaStatus.Trying, "Zed",
                votes: 2, createdAt: Day(3), statusChangedAt: Day(4)),
            Row(102, "Zed's adopted note", ["zed-only"], IdeaSource.Reflection, IdeaVisibility.Private,
                IdeaStatus.Adopted, "Zed", createdAt: Day(-30), statusChangedAt: Day(5)),
        ];
        var withPrivate = seeded with { Ideas = [.. seeded.Ideas, .. privateIdeas] };

        var without = DigestBuilder.Build(withoutPrivate);
        var with = DigestBuilder.Build(withPrivate);

        Assert.Equal(without, with); // value equality over every list, count and rate in the model
        var model = with.ToString();
        var markdown = MarkdownDigestRenderer.Render(with);
        Assert.Equal(MarkdownDigestRenderer.Render(without), markdown);
        foreach (var hidden in new[] { "My private note", "Zed", "zed-only", "Id = 7,", "Id = 100", "Id = 101", "Id = 102" })
            Assert.DoesNotContain(hidden, model);
        foreach (var hidden in new[] { "private note", "Zed", "zed", "#7 ", "#100", "#101", "#102" })
            Assert.DoesNotContain(hidden, markdown);
    }

    [Fact]
    public void Build_AnonymousIdea_HasNoAuthorAnywhere()
    {
        var input = Input(reflected: 1, ideas:
        [
            Row(1, "Rotate who chairs the retro", ["meetings"], visibility: IdeaVisibility.Anonymous, author: "Grace Hopper",
                votes: 2, status: IdeaStatus.Trying, statusChangedAt: Day(2)),
        ]);

        var digest = DigestBuilder.Build(input);

        Assert.Null(Assert.Single(digest.NewIdeaGroups.Single().Ideas).Author);
        Assert.Null(Assert.Single(digest.MostVoted).Author);
        Assert.Null(Assert.Single(digest.StatusChanges).Author);
        Assert.DoesNotContain("Grace", digest.ToString());
        var markdown = MarkdownDigestRenderer.Render(digest);
        Assert.DoesNotContain("Grace", markdown);
        Assert.Contains("#1 Rotate who chairs the retro — anonymous", markdown);
    }

    [Fact]
    public void Build_StatusChanges_OnlyThoseInPeriodOrderedAdoptedTryingDropped()
    {
        var input = Input(ideas:
        [
            Row(1, status: IdeaStatus.Dropped, createdAt: Day(-10), statusChangedAt: Day(1)),
            Row(2, status: IdeaStatus.Trying, createdAt: Day(-10), statusChangedAt: Day(3)),
            Row(3, status: IdeaStatus.Adopted, createdAt: Day(-10), statusChangedAt: Day(5)),
            Row(4, status: IdeaStatus.Trying, createdAt: Day(-10), statusChangedAt: Day(2)),
            Row(5, status: IdeaStatus.Adopted, createdAt: Day(-10), statusChangedAt: Day(-1)), // before the period
            Row(6, status: IdeaStatus.Adopted, createdAt: Day(-10), statusChangedAt: PeriodEnd), // end is exclusive
            Row(7, status: IdeaStatus.New, createdAt: Day(-10), statusChangedAt: Day(2)),        // back to New: not news
            Row(8, status: IdeaStatus.Adopted, createdAt: Day(-10), statusChangedAt: null),
        ]);

        var changes = DigestBuilder.Build(input).StatusChanges;

        Assert.Equal([3L, 4L, 2L, 1L], Ids(changes)); // Trying ones ordered by when they changed
        Assert.Equal([IdeaStatus.Adopted, IdeaStatus.Trying, IdeaStatus.Trying, IdeaStatus.Dropped], changes.Select(c => c.Status));
    }

    [Fact]
    public void Build_MostVoted_OnlyOpenVisibleIdeasWithVotesCappedAtFive()
    {
        var input = Input(ideas:
        [
            Row(1, votes: 10, status: IdeaStatus.Adopted, statusChangedAt: Day(-3), createdAt: Day(-20)),
            Row(2, votes: 9, status: IdeaStatus.Dropped, statusChangedAt: Day(-3), createdAt: Day(-20)),
            Row(3, votes: 8, visibility: IdeaVisibility.Private, createdAt: Day(-20)),
            Row(4, votes: 0, createdAt: Day(-20)),
            Row(5, votes: 2, createdAt: Day(-5)),
            Row(6, votes: 2, createdAt: Day(-6)),                 // same votes, older: first
            Row(7, votes: 7, status: IdeaStatus.Trying, createdAt: Day(-20)),
            Row(8, votes: 1, createdAt: Day(-20)),
            Row(9, votes: 3, visibility: IdeaVisibility.Anonymous, createdAt: Day(-20)),
            Row(10, votes: 1, createdAt: Day(-30)),
            Row(11, votes: 1, createdAt: Day(-10)),
        ]);

        var mostVoted = DigestBuilder.Build(input).MostVoted;

        Assert.Equal(DigestBuilder.MostVotedLimit, mostVoted.Count);
        Assert.Equal([7L, 9L, 6L, 5L, 10L], Ids(mostVoted));
    }

    [Fact]
    public void Build_IdeasPerReflectionHour_ReflectionIdeasOverKnownHours()
    {
        var input = Input(
            durations: [Minutes(20), Minutes(40), null],
            ideas:
            [
                Row(1, source: IdeaSource.Reflection),
                Row(2, source: IdeaSource.Reflection),
                Row(3, source: IdeaSource.Reflection, visibility: IdeaVisibility.Anonymous),
                Row(4, source: IdeaSource.InFlow),
                Row(5, source: IdeaSource.Reflection, createdAt: Day(-3)), // not new this period
            ]);

        var counts = DigestBuilder.Build(input).SourceCounts;

        Assert.Equal(new DigestSourceCounts(InFlow: 1, Reflection: 3, KnownReflectionHours: 1.0, IdeasPerReflectionHour: 3.0), counts);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 0, 0 })]
    public void Build_IdeasPerReflectionHour_NullWithoutKnownTime(int[] minutes)
    {
        var durations = minutes.Select(m => Minutes(m)).Append(null).ToList();
        var input = Input(durations: durations, ideas: [Row(1, source: IdeaSource.Reflection)]);

        var counts = DigestBuilder.Build(input).SourceCounts;

        Assert.Equal(1, counts.Reflection);
        Assert.Null(counts.IdeasPerReflectionHour);
    }

    [Fact]
    public void Build_InputOrderShuffled_SameDigest()
    {
        var seeded = SeededWeek();
        var shuffled = seeded with
        {
            Ideas = seeded.Ideas.Reverse().ToList(),
            ReflectionDurations = seeded.ReflectionDurations.Reverse().ToList(),
        };

        Assert.Equal(DigestBuilder.Build(seeded), DigestBuilder.Build(shuffled));
    }

    [Fact]
    public void Build_DuplicateRows_CountOnce()
    {
        var row = Row(1, source: IdeaSource.Reflection, votes: 2);

        var digest = DigestBuilder.Build(Input(ideas: [row, row]));

        Assert.Equal(1, digest.SourceCounts.Reflection);
        Assert.Single(digest.MostVoted);
    }

    [Fact]
    public void Build_NothingHappened_IsEmpty()
    {
        Assert.True(DigestBuilder.Build(Input(prompted: 9, skipped: 3)).IsEmpty);
        Assert.True(DigestBuilder.Build(Input(ideas: [Row(1, visibility: IdeaVisibility.Private)])).IsEmpty);
        Assert.False(DigestBuilder.Build(Input(prompted: 9, reflected: 1)).IsEmpty);
        Assert.False(DigestBuilder.Build(Input(ideas: [Row(1, votes: 1, createdAt: Day(-9))])).IsEmpty);
    }

    [Fact]
    public void Build_PeriodEndsBeforeStart_Throws()
    {
        var input = Input() with { PeriodEnd = PeriodStart.AddDays(-1) };

        Assert.Throws<ArgumentException>(() => DigestBuilder.Build(input));
    }
}
