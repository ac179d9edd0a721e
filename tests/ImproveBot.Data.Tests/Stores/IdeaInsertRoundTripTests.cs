using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Data.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Tests.Stores;

/// <summary>
/// The idea writer binds each row's values to one command's parameters: every column of every row in a batch must come
/// back as it went in, converted as EF converts it (enums, times, the tag list, nulls), on both databases, batch after
/// batch on the writer's kept connection. Tag lists repeat, reorder and extend one another, as the writer remembers the
/// stored form of the lists it converted last.
/// </summary>
public sealed class IdeaInsertRoundTripTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public Task Sqlite_EveryColumnOfEveryRowInABatch_ReadsBackAsWritten() => RoundTripAsync(TestProvider.Sqlite);

    [PostgresFact]
    public Task Postgres_EveryColumnOfEveryRowInABatch_ReadsBackAsWritten() => RoundTripAsync(TestProvider.Postgres);

    private static async Task RoundTripAsync(TestProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        async Task<Member> MemberAsync(string user) => await store.InScopeAsync(async sp => (await sp.GetRequiredService<MemberService>()
            .EnsureAsync(new MemberIdentity(new MemberRef("local", "T1", user), user), Ct)).Member);
        var ada = await MemberAsync("ada");
        var bob = await MemberAsync("bob");
        var now = store.Clock.GetUtcNow();

        // Rows that differ in every column the writer sets, including null against a value and an empty tag list.
        var planned = new Idea(ada.TeamId, ada.Id, "read papers with a question first", ["reading", "focus"], IdeaSource.InFlow,
            IdeaVisibility.Team, now);
        planned.PlanFollowUp(TimeSpan.FromDays(7));
        var plain = new Idea(bob.TeamId, bob.Id, "keep a lab notebook", [], IdeaSource.Reflection, IdeaVisibility.Anonymous,
            now.AddMinutes(5));
        var secret = new Idea(ada.TeamId, ada.Id, "timebox literature searches", ["tools"], IdeaSource.InFlow, IdeaVisibility.Private,
            now.AddHours(1));
        Idea Tagged(string text, string[] tags) => new(ada.TeamId, ada.Id, text, tags, IdeaSource.InFlow, IdeaVisibility.Team, now);
        Idea[] second =
        [
            Tagged("same tags again", ["reading", "focus"]),
            Tagged("the same tags, other order", ["focus", "reading"]),
            Tagged("the first tag only", ["reading"]),
            Tagged("one tag more", ["reading", "focus", "writing"]),
            Tagged("no tags again", []),
            Tagged("tags to escape", ["caf\u00e9", "say \"hi\"", "<b>"]),
        ];
        Idea[] written = [planned, plain, secret, .. second];
        var writer = store.Services.GetRequiredService<IdeaGroupCommit>();
        await writer.WriteBatchAsync(new[] { planned, plain, secret }.Select(i => (i, (IReadOnlyList<ProcessedEvent>)[])).ToList());
        await writer.WriteBatchAsync(second.Select(i => (i, (IReadOnlyList<ProcessedEvent>)[])).ToList());

        var read = await store.InScopeAsync(async sp => await sp.GetRequiredService<ImproveBotDbContext>().Ideas.AsNoTracking()
            .OrderBy(i => i.Id).ToListAsync(Ct));
        Assert.Equal(written.Select(i => i.Id), read.Select(i => i.Id));
        foreach (var (expected, actual) in written.Zip(read))
        {
            Assert.Equal(expected.TeamId, actual.TeamId);
            Assert.Equal(expected.AuthorId, actual.AuthorId);
            Assert.Equal(expected.Text, actual.Text);
            Assert.Equal(expected.Tags, actual.Tags);
            Assert.Equal(expected.Source, actual.Source);
            Assert.Equal(expected.Visibility, actual.Visibility);
            Assert.Equal(expected.Status, actual.Status);
            Assert.Equal(expected.CreatedAt, actual.CreatedAt);
            Assert.Equal(expected.StatusChangedAt, actual.StatusChangedAt);
            Assert.Equal(expected.FollowUpDueAt, actual.FollowUpDueAt);
            Assert.Equal(expected.FollowUpCount, actual.FollowUpCount);
            Assert.Equal(expected.ReflectionId, actual.ReflectionId);
            Assert.Equal(expected.Outcome, actual.Outcome);
        }
        Assert.NotNull(read[0].FollowUpDueAt);
        Assert.Null(read[1].FollowUpDueAt);
    }
}
