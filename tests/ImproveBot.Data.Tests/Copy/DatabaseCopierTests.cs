using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Data.Copy;
using ImproveBot.Data.Tests.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace ImproveBot.Data.Tests.Copy;

/// <summary>The copy-data verb's copier: from the SQLite file into an empty database, every row, same ids.</summary>
public sealed class DatabaseCopierTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A bit of everything: two members, ideas (one from a reflection), a vote, a round, a delivery, an outbox row.</summary>
    private static async Task<long> FillAsync(TestStore store)
    {
        var now = store.Clock.GetUtcNow();
        return await store.InScopeAsync(async sp =>
        {
            var members = sp.GetRequiredService<MemberService>();
            var (ada, team) = await members.EnsureAsync(new MemberIdentity(new MemberRef("local", "T1", "ada"), "Ada"), Ct);
            var (bob, _) = await members.EnsureAsync(new MemberIdentity(new MemberRef("local", "T1", "bob"), "Bob"), Ct);
            var round = await sp.GetRequiredService<RoundCalendar>().GetOrCreateAsync(team, new LocalDate(2026, 11, 27), now, Ct);
            var rounds = sp.GetRequiredService<IRoundStore>();
            rounds.AddDelivery(new PromptDelivery(round.Id, ada.Id, now, now));
            var ideas = sp.GetRequiredService<IIdeaStore>();
            // Ids with a gap, as deletions leave them: the copy must keep them, not renumber.
            for (var i = 0; i < 3; i++) ideas.Add(new Idea(team.Id, ada.Id, $"idea number {i} about reading", ["reading"], IdeaSource.InFlow, IdeaVisibility.Team, now));
            await sp.GetRequiredService<IOutbox>().EnqueueAsync(new OutboundMessage($"prompt:{round.Id}:{ada.Id}", Destination.DirectMessage(ada.Ref),
                new PromptMessage(round.Id, new DateOnly(2026, 11, 27), "Ada", ["Q?"])), new PromptDeliveryRef(round.Id, ada.Id), now, Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            var first = await db.Ideas.OrderBy(i => i.Id).FirstAsync();
            db.Ideas.Remove(first);
            var last = await db.Ideas.OrderBy(i => i.Id).LastAsync();
            last.AddVote(bob.Id, now);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            return last.Id;
        });
    }

    private static Task<Dictionary<string, object>> SnapshotAsync(TestStore store) => store.InScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<ImproveBotDbContext>();
        return new Dictionary<string, object>
        {
            ["teams"] = string.Join(",", await db.Teams.OrderBy(t => t.Id).Select(t => t.Id + ":" + t.Name).ToListAsync()),
            ["members"] = string.Join(",", await db.Members.OrderBy(m => m.Id).Select(m => m.Id + ":" + m.DisplayName).ToListAsync()),
            ["ideas"] = string.Join(",", (await db.Ideas.OrderBy(i => i.Id).ToListAsync()).Select(i => $"{i.Id}:{i.Text}:{string.Join('+', i.Tags)}:{i.CreatedAt:O}")),
            ["votes"] = string.Join(",", await db.IdeaVotes.OrderBy(v => v.IdeaId).Select(v => v.IdeaId + ":" + v.MemberId).ToListAsync()),
            ["rounds"] = string.Join(",", (await db.Rounds.OrderBy(r => r.Id).ToListAsync()).Select(r => $"{r.Id}:{r.PromptDate}:{r.ClosesAt:O}")),
            ["deliveries"] = string.Join(",", await db.Deliveries.OrderBy(d => d.Id).Select(d => d.Id + ":" + d.RoundId + ":" + d.MemberId).ToListAsync()),
            ["outbox"] = string.Join(",", (await db.Outbox.OrderBy(o => o.Id).ToListAsync()).Select(o => $"{o.Id}:{o.Key}:{o.State}:{o.ContentJson}")),
        };
    });

    private static async Task CopyAndCompareAsync(TestStore source, TestStore target)
    {
        var lastIdea = await FillAsync(source);
        var copied = await new DatabaseCopier().CopyAsync(source.Services.GetRequiredService<DatabaseConnection>(),
            target.Services.GetRequiredService<DatabaseConnection>(), Ct);

        Assert.Equal(2, copied.Single(t => t.Table == "ideas").Rows);
        Assert.Equal(2, copied.Single(t => t.Table == "members").Rows);
        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));

        // New rows in the target continue after the copied ids instead of colliding with them.
        var next = await target.InScopeAsync(async sp =>
        {
            var ada = await sp.GetRequiredService<ImproveBotDbContext>().Members.FirstAsync();
            var idea = new Idea(ada.TeamId, ada.Id, "a new idea after the move", [], IdeaSource.InFlow, IdeaVisibility.Team, target.Clock.GetUtcNow());
            sp.GetRequiredService<IIdeaStore>().Add(idea);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            return idea.Id;
        });
        Assert.True(next > lastIdea);
    }

    [PostgresFact]
    public async Task SqliteToPostgres_CopiesEveryRowWithItsId()
    {
        await using var source = await TestStore.CreateAsync(TestProvider.Sqlite);
        await using var target = await TestStore.CreateAsync(TestProvider.Postgres);
        await CopyAndCompareAsync(source, target);
    }

    [PostgresFact]
    public async Task PostgresToSqlite_CopiesEveryRowWithItsId()
    {
        await using var source = await TestStore.CreateAsync(TestProvider.Postgres);
        await using var target = await TestStore.CreateAsync(TestProvider.Sqlite);
        await CopyAndCompareAsync(source, target);
    }

    [Fact]
    public async Task SqliteToSqlite_CopiesEveryRowWithItsId()
    {
        await using var source = await TestStore.CreateAsync(TestProvider.Sqlite);
        await using var target = await TestStore.CreateAsync(TestProvider.Sqlite);
        await CopyAndCompareAsync(source, target);
    }

    [Fact]
    public async Task TargetWithData_IsRefused_AndLeftAsItWas()
    {
        await using var source = await TestStore.CreateAsync(TestProvider.Sqlite);
        await using var target = await TestStore.CreateAsync(TestProvider.Sqlite);
        await FillAsync(source);
        await FillAsync(target);
        var before = await SnapshotAsync(target);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new DatabaseCopier().CopyAsync(
            source.Services.GetRequiredService<DatabaseConnection>(), target.Services.GetRequiredService<DatabaseConnection>(), Ct));
        Assert.Contains("already has data", refused.Message);
        Assert.Equal(before, await SnapshotAsync(target));
    }
}
