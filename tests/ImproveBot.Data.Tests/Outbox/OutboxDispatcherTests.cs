using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Data.Tests.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace ImproveBot.Data.Tests.Outbox;

/// <summary>The dispatcher against a scripted platform, on a real SQLite outbox.</summary>
public sealed class OutboxDispatcherTests : IAsyncLifetime
{
    private readonly ScriptedPlatform _platform = new();
    private SqliteStore _store = null!;
    private static readonly CancellationToken Ct = CancellationToken.None;

    public async Task InitializeAsync() =>
        _store = await SqliteStore.CreateAsync(s => s
            .AddSingleton<IChatPlatform>(_platform)
            .AddSingleton(new OutboxPolicy(MaxAttempts: 3)));

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private sealed class ScriptedPlatform : IChatPlatform
    {
        public Queue<Exception?> Script { get; } = new();
        public List<string> Delivered { get; } = [];
        public int Calls { get; private set; }
        public string Name => "test";

        public Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            Calls++;
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

    [Fact]
    public async Task RateLimited_WaitsForRetryAfter_ThenSendsOnce_AndOnlyThenMarksThePromptSent()
    {
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

    [Fact]
    public async Task PermanentRefusal_FailsAtOnce_WithoutRetrying()
    {
        await QueuePromptAsync();
        _platform.Script.Enqueue(new ChatDeliveryException("channel_not_found", isTransient: false));
        await DispatchAsync();
        _store.Clock.Advance(TimeSpan.FromDays(1));
        await DispatchAsync();
        Assert.Equal(1, _platform.Calls);
        Assert.Equal(OutboxState.Failed, await StateAsync());
    }

    [Fact]
    public async Task UnexpectedErrors_AreRetriedWithBackoff_UpToMaxAttempts()
    {
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

    [Fact]
    public async Task MessageForAnUnconfiguredPlatform_FailsWithoutThrowing()
    {
        await _store.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<IOutbox>().EnqueueAsync(new OutboundMessage("notice:1",
                Destination.Channel("discord", "G1", "C1"), new NoticeMessage("hi")), null, _store.Clock.GetUtcNow(), Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        });
        Assert.Equal(0, await DispatchAsync());
        Assert.Equal(OutboxState.Failed, await StateAsync());
    }
}
