using System.Diagnostics.Metrics;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Data.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Tests.Stores;

/// <summary>The writer's meter is process-wide: these tests run alone, so no other test's ideas land in their measurements.</summary>
[CollectionDefinition(nameof(IdeaWriterMetricsTests), DisableParallelization = true)]
public sealed class IdeaWriterMetricsCollection;

/// <summary>
/// What an operator reads with <c>dotnet-counters monitor --counters ImproveBot.IdeaWriter</c>: the size of each commit,
/// its duration, and how long each idea waited to be stored, including its time queued behind a busy writer.
/// </summary>
[Collection(nameof(IdeaWriterMetricsTests))]
public sealed class IdeaWriterMetricsTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private SqliteStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteStore.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task IdeasQueuedBehindABusyWriter_ReportTheirBatchAndAWaitThatIncludesTheQueue()
    {
        var ada = await _store.InScopeAsync(async sp => (await sp.GetRequiredService<MemberService>()
            .EnsureAsync(new MemberIdentity(new MemberRef("local", "T1", "ada"), "ada"), Ct)).Member);
        var gate = _store.Services.GetRequiredService<SqliteWriteGate>();
        var writer = _store.Services.GetRequiredService<IdeaGroupCommit>();
        var sizes = new List<int>();
        var durations = new List<double>();
        var waits = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IdeaWriterMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            lock (sizes) sizes.Add(value);
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            lock (sizes) (instrument.Name.EndsWith(".wait", StringComparison.Ordinal) ? waits : durations).Add(value);
        });
        listener.Start();

        // The writer is held (as a long commit would hold it) while one idea takes its turn and nine queue behind it.
        var release = new TaskCompletionSource();
        var holder = gate.WriteAsync(() => release.Task, Ct);
        Idea NewIdea(int n) => new(ada.TeamId, ada.Id, $"metric idea {n}", [], IdeaSource.InFlow, IdeaVisibility.Team, _store.Clock.GetUtcNow());
        Task Commit(Idea idea) => _store.InScopeAsync(sp => sp.GetRequiredService<IIdeaStore>().AddAndCommitAsync(idea, Ct));
        var before = writer.Transactions;
        var commits = new List<Task> { Task.Run(() => Commit(NewIdea(0))) };
        for (var i = 0; i < 1000 && writer.Transactions == before; i++) await Task.Delay(10);
        commits.AddRange(Enumerable.Range(1, 9).Select(n => Task.Run(() => Commit(NewIdea(n)))));
        for (var i = 0; i < 1000 && writer.Queued < 9; i++) await Task.Delay(10);
        Assert.Equal(9, writer.Queued);
        var held = TimeSpan.FromMilliseconds(200);
        await Task.Delay(held);
        release.SetResult();
        await holder;
        await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(30));

        lock (sizes)
        {
            Assert.Equal([1, 9], sizes.Order());
            Assert.Equal(2, durations.Count);
            Assert.All(durations, d => Assert.True(d > 0));
            Assert.Equal(10, waits.Count);
            // Every idea was handed over before the writer was released, so each waited at least as long as it was held.
            Assert.All(waits, w => Assert.True(w >= held.TotalSeconds, $"waited {w} s"));
            Assert.All(waits, w => Assert.True(w >= durations.Min()));
        }
    }
}
