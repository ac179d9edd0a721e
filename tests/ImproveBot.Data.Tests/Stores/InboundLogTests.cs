using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Storage;
using ImproveBot.Data.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Tests.Stores;

/// <summary>
/// A delivery (a Slack event, a Discord interaction) is recorded in the same commit as what it stored, so a replay is
/// refused exactly when the first one's idea is stored, and a failure leaves both unstored for the retry.
/// </summary>
public sealed class InboundLogTests : IAsyncLifetime
{
    private const string Source = "discord-interaction";
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestStore _store = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private async Task<Member> StartAsync(TestProvider provider)
    {
        _store = await TestStore.CreateAsync(provider);
        return await _store.InScopeAsync(async sp => (await sp.GetRequiredService<MemberService>()
            .EnsureAsync(new MemberIdentity(new MemberRef("local", "T1", "ada"), "ada"), Ct)).Member);
    }

    private Idea NewIdea(Member author, string text) =>
        new(author.TeamId, author.Id, text, [], IdeaSource.InFlow, IdeaVisibility.Team, _store.Clock.GetUtcNow());

    private Task<bool> ClaimInNewScopeAsync(string deliveryId) =>
        _store.InScopeAsync(sp => sp.GetRequiredService<IInboundLog>().TryRecordAsync(Source, deliveryId, Ct));

    private Task<(int Deliveries, List<string> Ideas)> StoredAsync() =>
        _store.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            return (await db.ProcessedEvents.CountAsync(Ct), await db.Ideas.Select(i => i.Text).ToListAsync(Ct));
        });

    private async Task AssertStoredAsync(int deliveries, params string[] ideas)
    {
        var stored = await StoredAsync();
        Assert.Equal(deliveries, stored.Deliveries);
        Assert.Equal(ideas, stored.Ideas);
    }

    [Theory, SqliteData, PostgresData]
    public async Task AnIdeaAndTheDeliveryThatBroughtIt_AreCommittedTogether_AndAReplayIsRefused(TestProvider provider)
    {
        var ada = await StartAsync(provider);
        await _store.InScopeAsync(async sp =>
        {
            Assert.True(await sp.GetRequiredService<IInboundLog>().TryRecordAsync(Source, "1001", Ct));
            await sp.GetRequiredService<IIdeaStore>().AddAndCommitAsync(NewIdea(ada, "pair on the analysis"), Ct);
            // The group commit stored the record: nothing is left for the context to write.
            Assert.False(sp.GetRequiredService<ImproveBotDbContext>().ChangeTracker.HasChanges());
            await sp.GetRequiredService<IInboundLog>().CompleteAsync(Ct);
        });

        await AssertStoredAsync(1, "pair on the analysis");
        Assert.False(await ClaimInNewScopeAsync("1001"));
    }

    [Theory, SqliteData, PostgresData]
    public async Task WhenAnotherInstanceRecordsTheSameDeliveryFirst_TheIdeaIsNotStoredTwice_AndTheirRecordStays(TestProvider provider)
    {
        var ada = await StartAsync(provider);
        await using var scope = _store.CreateScope();
        var log = scope.ServiceProvider.GetRequiredService<IInboundLog>();
        Assert.True(await log.TryRecordAsync(Source, "1002", Ct));

        // Meanwhile another instance handled the same delivery and committed its record.
        await _store.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            db.ProcessedEvents.Add(new ProcessedEvent { Source = Source, DeliveryId = "1002", ReceivedAt = _store.Clock.GetUtcNow() });
            await db.SaveChangesAsync(Ct);
        });

        await Assert.ThrowsAsync<DbUpdateException>(() =>
            scope.ServiceProvider.GetRequiredService<IIdeaStore>().AddAndCommitAsync(NewIdea(ada, "the same idea, replayed"), Ct));
        // The handler gives up; forgetting its own unsaved claim must not delete the other instance's record.
        await log.ForgetAsync(Source, "1002", Ct);

        await AssertStoredAsync(1);
        Assert.False(await ClaimInNewScopeAsync("1002"));
    }

    [Theory, SqliteData, PostgresData]
    public async Task ADuplicateArrivingWhileTheFirstIsHandled_IsRefused_AndAHandlingThatStoredNothingLeavesNoRecord(TestProvider provider)
    {
        await StartAsync(provider);
        await using (var first = _store.CreateScope())
        {
            Assert.True(await first.ServiceProvider.GetRequiredService<IInboundLog>().TryRecordAsync(Source, "1003", Ct));
            Assert.False(await ClaimInNewScopeAsync("1003"));
            // The first one ends without a write and without CompleteAsync (it failed before storing anything).
        }

        await AssertStoredAsync(0);
        Assert.True(await ClaimInNewScopeAsync("1003"));
    }

    [Theory, SqliteData, PostgresData]
    public async Task AReadOnlyHandling_IsRecordedByComplete_AndForgettingItLetsTheRetryThrough(TestProvider provider)
    {
        await StartAsync(provider);
        await using var scope = _store.CreateScope();
        var log = scope.ServiceProvider.GetRequiredService<IInboundLog>();
        Assert.True(await log.TryRecordAsync(Source, "1004", Ct));
        await log.CompleteAsync(Ct);
        await AssertStoredAsync(1);

        await log.ForgetAsync(Source, "1004", Ct);
        await AssertStoredAsync(0);
        Assert.True(await ClaimInNewScopeAsync("1004"));
    }

    [Theory, SqliteData, PostgresData]
    public async Task ARecordStagedBeforeAnOrdinaryWrite_IsCommittedWithIt(TestProvider provider)
    {
        var ada = await StartAsync(provider);
        await _store.InScopeAsync(async sp =>
        {
            Assert.True(await sp.GetRequiredService<IInboundLog>().TryRecordAsync(Source, "1005", Ct));
            sp.GetRequiredService<IIdeaStore>().Add(NewIdea(ada, "a reflection's idea"));
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            // The handler's own commit carried the record, before Complete (which then has nothing left to do).
            var (deliveries, ideas) = await StoredAsync();
            Assert.Equal(1, deliveries);
            Assert.Equal(["a reflection's idea"], ideas);
            await sp.GetRequiredService<IInboundLog>().CompleteAsync(Ct);
        });

        await AssertStoredAsync(1, "a reflection's idea");
        Assert.False(await ClaimInNewScopeAsync("1005"));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Pruning_ForgetsDeliveriesOlderThanAWeek_InChunks_AndKeepsRecentOnes(TestProvider provider)
    {
        await StartAsync(provider);
        var now = _store.Clock.GetUtcNow();
        await _store.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            for (var i = 0; i < 12; i++)
                db.ProcessedEvents.Add(new ProcessedEvent { Source = Source, DeliveryId = $"old-{i}", ReceivedAt = now - TimeSpan.FromDays(8) + TimeSpan.FromMinutes(i) });
            db.ProcessedEvents.Add(new ProcessedEvent { Source = Source, DeliveryId = "recent", ReceivedAt = now - TimeSpan.FromDays(6) });
            await db.SaveChangesAsync(Ct);
        });

        var firstChunk = await _store.InScopeAsync(sp => sp.GetRequiredService<IInboundLog>().PruneAsync(now - TimeSpan.FromDays(7), 5, Ct));
        Assert.Equal(5, firstChunk);
        var all = await _store.InScopeAsync(sp => sp.GetRequiredService<ImproveBot.Core.Storage.InboundLogPruner>().PruneAsync(Ct));
        Assert.Equal(7, all);

        await AssertStoredAsync(1);
        Assert.False(await ClaimInNewScopeAsync("recent"));
        Assert.True(await ClaimInNewScopeAsync("old-0"));
    }

    // On SQLite the check runs on one connection kept open for the process: it must still see what another connection
    // (another instance on the same file, or this one's writer) committed after that connection was opened.
    [Fact]
    public async Task Sqlite_ADeliveryAnotherConnectionRecordedAfterTheCheckConnectionOpened_IsRefused()
    {
        await StartAsync(TestProvider.Sqlite);
        Assert.True(await ClaimInNewScopeAsync("2001")); // opens the kept connection; nothing is committed

        await using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False"))
        {
            await other.OpenAsync();
            await using var insert = other.CreateCommand();
            insert.CommandText = "INSERT INTO processed_events (\"Source\", \"DeliveryId\", \"ReceivedAt\") VALUES ($s, '2002', 0)";
            insert.Parameters.AddWithValue("$s", Source);
            await insert.ExecuteNonQueryAsync();
        }

        Assert.False(await ClaimInNewScopeAsync("2002"));
        Assert.True(await ClaimInNewScopeAsync("2003"));
    }
}
