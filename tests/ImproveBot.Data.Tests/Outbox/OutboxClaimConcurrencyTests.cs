using System.Collections.Concurrent;
using ImproveBot.Core.Cluster;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Storage;
using ImproveBot.Data.Outbox;
using ImproveBot.Data.Tests.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImproveBot.Data.Tests.Outbox;

/// <summary>Several dispatchers (as several instances would) claiming from one outbox at the same time.</summary>
public sealed class OutboxClaimConcurrencyTests : IAsyncLifetime
{
    private const int Messages = 600;
    private const int Claimers = 6;
    private TestStore _store = null!;
    private static readonly CancellationToken Ct = CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private async Task QueueAsync()
    {
        var now = _store.Clock.GetUtcNow();
        await _store.InScopeAsync(async sp =>
        {
            var outbox = sp.GetRequiredService<IOutbox>();
            for (var i = 0; i < Messages; i++)
            {
                await outbox.EnqueueAsync(new OutboundMessage($"notice:{i}", Destination.DirectMessage(new Core.Members.MemberRef("test", "T1", $"U{i}")),
                    new NoticeMessage("hi")), null, now, Ct);
            }
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        });
    }

    [Theory, SqliteData, PostgresData]
    public async Task ConcurrentClaimers_ClaimEveryRowExactlyOnce(TestProvider provider)
    {
        _store = await TestStore.CreateAsync(provider);
        await QueueAsync();
        var now = _store.Clock.GetUtcNow();
        var claims = new ConcurrentBag<(int Claimer, long Id)>();

        // Each claimer is its own scope (its own connection), as an instance's dispatcher is; all start together.
        using var start = new ManualResetEventSlim(false);
        var tasks = Enumerable.Range(0, Claimers).Select(c => Task.Run(async () =>
        {
            start.Wait(TimeSpan.FromSeconds(10));
            for (var round = 0; round < Messages; round++)
            {
                var batch = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now, now + TimeSpan.FromMinutes(2), 25, Ct));
                if (batch.Count == 0) break;
                foreach (var entry in batch)
                {
                    claims.Add((c, entry.Id));
                    Assert.True(await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().MarkSentAsync(entry.Claim, now, Ct)));
                }
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(2));

        var ids = claims.Select(c => c.Id).ToList();
        Assert.Equal(Messages, ids.Count);
        Assert.Equal(Messages, ids.Distinct().Count());
        var counts = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().CountByStateAsync(Ct));
        Assert.Equal(Messages, counts[OutboxState.Sent]);
        // Every claim is tagged with the instance that made it (here all the same process).
        var holders = await _store.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Outbox.Select(o => o.ClaimedBy).Distinct().ToListAsync());
        Assert.Equal([_store.Services.GetRequiredService<InstanceIdentity>().Id], holders);
    }

    [PostgresFact]
    public async Task ConcurrentClaimers_OnPostgres_WorkSideBySide()
    {
        // SKIP LOCKED means a claimer does not queue behind another's batch: two claims made while a third
        // transaction holds the oldest rows locked still get rows, and different ones.
        _store = await TestStore.CreateAsync(TestProvider.Postgres);
        await QueueAsync();
        var now = _store.Clock.GetUtcNow();

        // Another instance's claim in progress: a transaction holding the 100 oldest rows.
        await using var connection = new NpgsqlConnection(_store.Postgres!.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var locked = new List<long>();
        await using (var lockRows = new NpgsqlCommand("""SELECT "Id" FROM outbox ORDER BY "NextAttemptAt", "Id" LIMIT 100 FOR UPDATE""", connection, transaction))
        await using (var reader = await lockRows.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) locked.Add(reader.GetInt64(0));
        }
        Assert.Equal(100, locked.Count);

        var first = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now, now + TimeSpan.FromMinutes(2), 50, Ct))
            .WaitAsync(TimeSpan.FromSeconds(20));
        var second = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now, now + TimeSpan.FromMinutes(2), 50, Ct))
            .WaitAsync(TimeSpan.FromSeconds(20));
        await transaction.RollbackAsync();

        Assert.Equal(50, first.Count);
        Assert.Equal(50, second.Count);
        Assert.Empty(first.Select(e => e.Id).Intersect(second.Select(e => e.Id)));
        Assert.Empty(first.Concat(second).Select(e => e.Id).Intersect(locked));
    }
}
