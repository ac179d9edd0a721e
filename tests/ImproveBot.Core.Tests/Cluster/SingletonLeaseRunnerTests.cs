using ImproveBot.Core.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Core.Tests.Cluster;

/// <summary>Two instances competing for one lease, on a fake clock: the work never runs on both at once, and moves on failure.</summary>
public sealed class SingletonLeaseRunnerTests
{
    private static readonly SingletonLeaseTiming Timing = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

    /// <summary>The lease table, shared by every instance (the database, in production).</summary>
    private sealed class LeaseTable(TimeProvider time)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, (string Holder, DateTimeOffset Until)> _rows = [];

        public bool TryAcquire(string holder, string name, TimeSpan duration)
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                if (_rows.TryGetValue(name, out var row) && row.Holder != holder && row.Until > now) return false;
                _rows[name] = (holder, now + duration);
                return true;
            }
        }

        public void Release(string holder, string name)
        {
            lock (_gate)
            {
                if (_rows.TryGetValue(name, out var row) && row.Holder == holder) _rows.Remove(name);
            }
        }
    }

    /// <summary>One instance's view of the table; <see cref="Unreachable"/> makes its database calls fail (a network partition).</summary>
    private sealed class InstanceLease(LeaseTable table, string holder) : ISingletonLease
    {
        public volatile bool Unreachable;

        public Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct) =>
            Unreachable ? throw new TimeoutException("database unreachable") : Task.FromResult(table.TryAcquire(holder, name, duration));

        public Task ReleaseAsync(string name, CancellationToken ct)
        {
            if (Unreachable) throw new TimeoutException("database unreachable");
            table.Release(holder, name);
            return Task.CompletedTask;
        }
    }

    /// <summary>Work that runs until cancelled, counting how many run at once.</summary>
    private sealed class Work
    {
        private int _running;
        public int MaxConcurrent;
        public readonly HashSet<string> Ran = [];

        public Func<CancellationToken, Task> For(string instance) => async ct =>
        {
            var now = Interlocked.Increment(ref _running);
            lock (Ran)
            {
                Ran.Add(instance);
                MaxConcurrent = Math.Max(MaxConcurrent, now);
            }
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        };

        public int Running => Volatile.Read(ref _running);
    }

    private static async Task AdvanceAsync(FakeTimeProvider clock, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(15); // real time for the runners' continuations
        }
    }

    [Fact]
    public async Task HolderCutOff_StopsItsWorkBeforeTheLeaseExpires_AndTheOtherTakesOver()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var table = new LeaseTable(clock);
        var leaseA = new InstanceLease(table, "a");
        var leaseB = new InstanceLease(table, "b");
        var work = new Work();
        using var stop = new CancellationTokenSource();
        var runnerA = new SingletonLeaseRunner(leaseA, clock, NullLogger<SingletonLeaseRunner>.Instance)
            .RunAsync("gateway", work.For("a"), Timing, stop.Token);
        await AdvanceAsync(clock, 2);
        var runnerB = new SingletonLeaseRunner(leaseB, clock, NullLogger<SingletonLeaseRunner>.Instance)
            .RunAsync("gateway", work.For("b"), Timing, stop.Token);

        await AdvanceAsync(clock, 60);
        Assert.Equal(["a"], work.Ran);
        Assert.Equal(1, work.Running);

        // a loses the database: it must stop before its lease can expire, and b takes over once it has.
        leaseA.Unreachable = true;
        await AdvanceAsync(clock, 60);
        Assert.Contains("b", work.Ran);
        Assert.Equal(1, work.Running);
        Assert.Equal(1, work.MaxConcurrent);

        await stop.CancelAsync();
        await Task.WhenAll(runnerA, runnerB).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, work.Running);
    }

    [Fact]
    public async Task Stopping_ReleasesTheLease_SoTheOtherTakesOverWithoutWaitingForExpiry()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var table = new LeaseTable(clock);
        var work = new Work();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var runnerA = new SingletonLeaseRunner(new InstanceLease(table, "a"), clock, NullLogger<SingletonLeaseRunner>.Instance)
            .RunAsync("gateway", work.For("a"), Timing, stopA.Token);
        await AdvanceAsync(clock, 2);
        var runnerB = new SingletonLeaseRunner(new InstanceLease(table, "b"), clock, NullLogger<SingletonLeaseRunner>.Instance)
            .RunAsync("gateway", work.For("b"), Timing, stopB.Token);
        await AdvanceAsync(clock, 3);

        await stopA.CancelAsync(); // a deploy stops instance a
        await runnerA.WaitAsync(TimeSpan.FromSeconds(10));
        await AdvanceAsync(clock, 6); // one retry interval, far less than the 30 s lease

        Assert.Equal(["a", "b"], work.Ran.Order());
        Assert.Equal(1, work.Running);
        Assert.Equal(1, work.MaxConcurrent);
        await stopB.CancelAsync();
        await runnerB.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
