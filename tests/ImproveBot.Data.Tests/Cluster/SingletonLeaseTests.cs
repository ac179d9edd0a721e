using ImproveBot.Core.Cluster;
using ImproveBot.Data.Cluster;
using ImproveBot.Data.Tests.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Tests.Cluster;

/// <summary>The database lease behind "one Discord Gateway connection per cluster", on both providers.</summary>
public sealed class SingletonLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestStore _store = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private EfSingletonLease Instance(string id) =>
        new(_store.Services.GetRequiredService<IServiceScopeFactory>(), new InstanceIdentity(id), _store.Clock);

    [Theory, SqliteData, PostgresData]
    public async Task Lease_HeldByOne_RenewedByItsHolder_TakenOverOnlyAfterExpiry(TestProvider provider)
    {
        _store = await TestStore.CreateAsync(provider);
        var a = Instance("a");
        var b = Instance("b");

        Assert.True(await a.TryAcquireAsync("gateway", Duration, Ct));
        Assert.False(await b.TryAcquireAsync("gateway", Duration, Ct));
        Assert.True(await b.TryAcquireAsync("another", Duration, Ct)); // leases are per name

        _store.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await a.TryAcquireAsync("gateway", Duration, Ct)); // renewed: now good until t+50 s
        _store.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.False(await b.TryAcquireAsync("gateway", Duration, Ct)); // t+40 s: would have expired without the renewal

        // a dies (stops renewing): b gets it once it has expired, and a cannot renew it any more.
        _store.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await b.TryAcquireAsync("gateway", Duration, Ct));
        Assert.False(await a.TryAcquireAsync("gateway", Duration, Ct));
        Assert.Equal("b", (await a.FindAsync("gateway", Ct))?.Holder);

        // Releasing lets the next one in at once; releasing what one does not hold changes nothing.
        await a.ReleaseAsync("gateway", Ct);
        Assert.Equal("b", (await a.FindAsync("gateway", Ct))?.Holder);
        await b.ReleaseAsync("gateway", Ct);
        Assert.True(await a.TryAcquireAsync("gateway", Duration, Ct));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Lease_ManyInstancesRacing_ExactlyOneWins(TestProvider provider)
    {
        _store = await TestStore.CreateAsync(provider);
        var instances = Enumerable.Range(0, 8).Select(i => Instance($"i{i}")).ToList();

        // Twice: once for a lease nobody ever held (INSERT race), once for an expired one (UPDATE race).
        for (var round = 0; round < 2; round++)
        {
            using var start = new ManualResetEventSlim(false);
            var attempts = instances.Select(i => Task.Run(async () =>
            {
                start.Wait(TimeSpan.FromSeconds(10));
                return await i.TryAcquireAsync("gateway", Duration, Ct);
            })).ToList();
            start.Set();
            var won = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(1, won.Count(w => w));
            _store.Clock.Advance(Duration);
        }
    }

    [Fact]
    public async Task OnSqlite_TheOneProcessAlwaysHoldsTheLease()
    {
        _store = await TestStore.CreateAsync(TestProvider.Sqlite);
        var lease = _store.Services.GetRequiredService<ISingletonLease>();
        Assert.IsType<ProcessSingletonLease>(lease);
        Assert.True(await lease.TryAcquireAsync("gateway", Duration, Ct));
        Assert.True(await lease.TryAcquireAsync("gateway", Duration, Ct));
    }

    [PostgresFact]
    public async Task OnPostgres_TheRegisteredLeaseIsTheDatabaseOne()
    {
        _store = await TestStore.CreateAsync(TestProvider.Postgres);
        Assert.IsType<EfSingletonLease>(_store.Services.GetRequiredService<ISingletonLease>());
    }
}
