using System.Data.Common;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Data.Tests.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ImproveBot.Testing.Postgres;
using NodaTime;

namespace ImproveBot.Data.Tests.Outbox;

/// <summary>The dispatcher against a scripted platform, on a real outbox on both providers.</summary>
public sealed class OutboxDispatcherTests : IAsyncLifetime
{
    private readonly ScriptedPlatform _platform = new();
    private TestStore _store = null!;
    private static readonly CancellationToken Ct = CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(TestProvider provider, IInterceptor? interceptor = null) =>
        _store = await TestStore.CreateAsync(provider, s =>
        {
            s.AddSingleton<IChatPlatform>(_platform).AddSingleton(new OutboxPolicy(MaxAttempts: 3));
            if (interceptor is not null) s.AddSingleton(interceptor);
        });

    /// <summary>Fails the first command that <paramref name="matches"/>, as a process dying at that point would leave it.</summary>
    private sealed class FailOnce(Func<string, bool> matches) : DbCommandInterceptor
    {
        private int _failed;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            matches(command.CommandText) && Interlocked.Exchange(ref _failed, 1) == 0
                ? throw new InvalidOperationException("the process died here")
                : base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            matches(command.CommandText) && Interlocked.Exchange(ref _failed, 1) == 0
                ? throw new InvalidOperationException("the process died here")
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private sealed class ScriptedPlatform : IChatPlatform
    {
        public Queue<Exception?> Script { get; } = new();
        public List<string> Delivered { get; } = [];
        public int Calls { get; private set; }
        public string Name => "test";

        /// <summary>Runs inside every send, e.g. to let time pass or to stop the dispatcher mid-batch.</summary>
        public Action? OnSend { get; set; }

        public Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            Calls++;
            OnSend?.Invoke();
            if (Script.TryDequeue(out var failure) && failure is not null) throw failure;
            Delivered.Add(message.IdempotencyKey);
            return Task.CompletedTask;
        }
    }

    /// <summary>A member prompted in a round: delivery pending, message queued.</summary>
    private async Task<(long RoundId, long MemberId)> QueuePromptAsync()
    {
        return await _store.InScopeAsync(async sp =>
        {
            var (member, team) = await sp.GetRequiredService<MemberService>()
                .EnsureAsync(new MemberIdentity(new MemberRef("test", "T1", "U1"), "Ada"), Ct);
            var now = _store.Clock.GetUtcNow();
            var round = await sp.GetRequiredService<RoundCalendar>().GetOrCreateAsync(team, new LocalDate(2026, 11, 27), now, Ct);
            sp.GetRequiredService<IRoundStore>().AddDelivery(new PromptDelivery(round.Id, member.Id, now, now));
            await sp.GetRequiredService<IOutbox>().EnqueueAsync(
                new OutboundMessage($"prompt:{round.Id}:{member.Id}", Destination.DirectMessage(member.Ref),
                    new PromptMessage(round.Id, new DateOnly(2026, 11, 27), "Ada", ["Q?"])),
                new PromptDeliveryRef(round.Id, member.Id), now, Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            return (round.Id, member.Id);
        });
    }

    private Task<int> DispatchAsync() => _store.InScopeAsync(sp => sp.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(Ct));

    private Task<PromptDelivery> DeliveryAsync((long RoundId, long MemberId) d) =>
        _store.InScopeAsync(async sp => (await sp.GetRequiredService<IRoundStore>().FindDeliveryAsync(d.RoundId, d.MemberId, Ct))!);

    private Task<OutboxState> StateAsync() =>
        _store.InScopeAsync(async sp => (await sp.GetRequiredService<ImproveBotDbContext>().Outbox.SingleAsync()).State);

    [Theory, SqliteData, PostgresData]
    public async Task RateLimited_WaitsForRetryAfter_ThenSendsOnce_AndOnlyThenMarksThePromptSent(TestProvider provider)
    {
        await StartAsync(provider);
        var delivery = await QueuePromptAsync();
        _platform.Script.Enqueue(new ChatDeliveryException("429", isTransient: true, TimeSpan.FromSeconds(30)));

        Assert.Equal(0, await DispatchAsync());
        Assert.Equal(DeliveryStatus.Pending, (await DeliveryAsync(delivery)).Status);

        _store.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await DispatchAsync());
        Assert.Equal(1, _platform.Calls); // not before Retry-After

        _store.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await DispatchAsync());
        Assert.Single(_platform.Delivered);
        var sent = await DeliveryAsync(delivery);
        Assert.Equal(DeliveryStatus.Sent, sent.Status);
        Assert.Equal(_store.Clock.GetUtcNow(), sent.SentAt);

        _store.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await DispatchAsync());
        Assert.Single(_platform.Delivered);
    }

    [Theory, SqliteData, PostgresData]
    public async Task PermanentRefusal_FailsAtOnce_WithoutRetrying(TestProvider provider)
    {
        await StartAsync(provider);
        await QueuePromptAsync();
        _platform.Script.Enqueue(new ChatDeliveryException("channel_not_found", isTransient: false));
        await DispatchAsync();
        _store.Clock.Advance(TimeSpan.FromDays(1));
        await DispatchAsync();
        Assert.Equal(1, _platform.Calls);
        Assert.Equal(OutboxState.Failed, await StateAsync());
    }

    [Theory, SqliteData, PostgresData]
    public async Task UnexpectedErrors_AreRetriedWithBackoff_UpToMaxAttempts(TestProvider provider)
    {
        await StartAsync(provider);
        var delivery = await QueuePromptAsync();
        for (var i = 0; i < 5; i++) _platform.Script.Enqueue(new InvalidOperationException("boom"));

        for (var i = 0; i < 5; i++)
        {
            await DispatchAsync();
            _store.Clock.Advance(TimeSpan.FromMinutes(20)); // past any backoff
        }

        Assert.Equal(3, _platform.Calls);
        Assert.Equal(OutboxState.Failed, await StateAsync());
        Assert.Equal(DeliveryStatus.Pending, (await DeliveryAsync(delivery)).Status);
    }

    [Theory, SqliteData, PostgresData]
    public async Task MessageForAnUnconfiguredPlatform_FailsWithoutThrowing(TestProvider provider)
    {
        await StartAsync(provider);
        await _store.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<IOutbox>().EnqueueAsync(new OutboundMessage("notice:1",
                Destination.Channel("discord", "G1", "C1"), new NoticeMessage("hi")), null, _store.Clock.GetUtcNow(), Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        });
        Assert.Equal(0, await DispatchAsync());
        Assert.Equal(OutboxState.Failed, await StateAsync());
    }

    private async Task QueueNoticesAsync(int count)
    {
        await _store.InScopeAsync(async sp =>
        {
            for (var i = 0; i < count; i++)
            {
                await sp.GetRequiredService<IOutbox>().EnqueueAsync(new OutboundMessage($"notice:{i}",
                    Destination.DirectMessage(new MemberRef("test", "T1", $"U{i}")), new NoticeMessage("hi")), null, _store.Clock.GetUtcNow(), Ct);
            }
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        });
    }

    private Task<List<(string Key, OutboxState State, int Attempts)>> RowsAsync() =>
        _store.InScopeAsync(async sp => (await sp.GetRequiredService<ImproveBotDbContext>().Outbox.OrderBy(o => o.Id).ToListAsync())
            .Select(o => (o.Key, o.State, o.Attempts)).ToList());

    [Theory, SqliteData, PostgresData]
    public async Task DyingBetweenTheSendAndItsRecords_NeverLeavesTheRowClosedAndThePromptUnrecorded(TestProvider provider)
    {
        // The prompt is posted, and then recording it fails, as when the instance is killed right there. The row must not
        // be closed already: once its lease is over the next claim takes it (the real platform finds the post in the DM
        // and does not post again) and the delivery is recorded then. Closing the row first lost the record for good.
        await StartAsync(provider, new FailOnce(sql => sql.Contains("prompt_deliveries", StringComparison.Ordinal)
                                                     && sql.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)));
        var prompt = await QueuePromptAsync();

        await Assert.ThrowsAnyAsync<Exception>(DispatchAsync);
        Assert.Equal(1, _platform.Calls);
        Assert.Equal(OutboxState.InFlight, await StateAsync());

        _store.Clock.Advance(new OutboxPolicy().LeaseDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await DispatchAsync());
        Assert.Equal(OutboxState.Sent, await StateAsync());
        Assert.Equal(DeliveryStatus.Sent, (await DeliveryAsync(prompt)).Status);
    }

    [Theory, SqliteData, PostgresData]
    public async Task SlowBatch_StopsSendingBeforeItsLeaseRunsOut_AndHandsTheRestToTheNextClaim(TestProvider provider)
    {
        await StartAsync(provider);
        await QueueNoticesAsync(5);
        // Each send takes 40 s (rate limits); the lease is 2 min and no send starts in its last 30 s, so a claim
        // covers three sends and the other two must not go out under it (another instance could re-claim them).
        _platform.OnSend = () => _store.Clock.Advance(TimeSpan.FromSeconds(40));

        Assert.Equal(5, await DispatchAsync());

        Assert.Equal(5, _platform.Delivered.Distinct().Count());
        Assert.Equal(5, _platform.Calls);
        var rows = await RowsAsync();
        Assert.All(rows, r => Assert.Equal(OutboxState.Sent, r.State));
        // The two handed back were not charged an attempt for the claim they did not use.
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Stopping_FinishesTheSendInProgress_AndReleasesTheRestAtOnce(TestProvider provider)
    {
        await StartAsync(provider);
        await QueueNoticesAsync(4);
        using var stopping = new CancellationTokenSource();
        _platform.OnSend = stopping.Cancel; // the host starts shutting down during the first send

        var sent = await _store.InScopeAsync(sp => sp.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(Ct, stopping: stopping.Token));

        Assert.Equal(1, sent);
        var rows = await RowsAsync();
        Assert.Equal(OutboxState.Sent, rows[0].State);
        Assert.All(rows.Skip(1), r => Assert.Equal((OutboxState.Pending, 0), (r.State, r.Attempts)));
        // Another instance can take them now, without waiting for the lease.
        var next = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(_store.Clock.GetUtcNow(),
            _store.Clock.GetUtcNow() + TimeSpan.FromMinutes(2), 10, Ct));
        Assert.Equal(3, next.Count);
    }
}
