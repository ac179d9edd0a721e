using System.Collections.Concurrent;
using System.Diagnostics;
using ImproveBot.Core.Ideas;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Data.Stores;

/// <summary>
/// Commits ideas that many requests log at the same moment in one transaction (group commit), so that a burst of
/// <c>/idea</c> commands pays for one durable commit (one WAL sync on SQLite) per batch instead of one per idea.
/// Every caller still returns only after its own idea is committed: nothing is acknowledged before it is durable.
/// </summary>
/// <remarks>
/// A caller queues its idea; if no one is writing, it becomes the writer and writes batches (its own idea and those of
/// everyone who queued meanwhile) until its own is stored. The others just wait for theirs. Ideas still queued then
/// get a writer of their own in the background, so no caller waits longer than its own batch. While one batch
/// commits, the next one gathers.
/// </remarks>
internal sealed partial class IdeaGroupCommit(IServiceScopeFactory scopes, SqliteWriteGate gate, ILogger<IdeaGroupCommit> logger)
    : IAsyncDisposable
{
    /// <summary>At most this many ideas per transaction, so that one batch never holds the writer for long.</summary>
    internal const int MaxBatch = 256;

    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _writing; // 1 while a caller writes batches
    private int _transactions;
    private AsyncServiceScope? _writerScope; // the writer's own context, for as long as the process runs
    private IdeaInsert? _insert;

    /// <summary>Ideas waiting for a turn (for tests).</summary>
    internal int Queued => _queue.Count;

    /// <summary>Transactions written so far, batches and single retries alike (for tests).</summary>
    internal int Transactions => Volatile.Read(ref _transactions);

    /// <summary>
    /// Stores <paramref name="idea"/> durably, with the records of the deliveries that brought it (so a replay is
    /// refused exactly when the idea is stored), and sets their ids; throws what the database threw for it.
    /// </summary>
    public async Task CommitAsync(Idea idea, IReadOnlyList<ProcessedEvent> deliveries, CancellationToken ct)
    {
        var pending = new Pending(idea, deliveries);
        _queue.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0) await WriteAsWriterAsync(pending);
        await pending.Done.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Runs as the one writer: writes batches until <paramref name="mine"/> is stored (or, for a background writer,
    /// until the queue is empty), steps down, and makes sure whatever was queued meanwhile has a writer.
    /// </summary>
    private async Task WriteAsWriterAsync(Pending? mine)
    {
        try
        {
            while (!_queue.IsEmpty && (mine is null || !mine.Done.Task.IsCompleted)) await WriteQueuedAsync();
        }
        catch (Exception ex)
        {
            // WriteQueuedAsync settles every idea it takes; this is only for the unexpected (e.g. the host stopping).
            LogWriterFailed(logger, ex.GetType().Name);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
        // Looked at after stepping down, so an idea queued just as the writer finished is never left without one.
        if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
            _ = Task.Run(() => WriteAsWriterAsync(null));
    }

    private async Task WriteQueuedAsync()
    {
        var batch = new List<Pending>();
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var next)) batch.Add(next);
        if (batch.Count == 0) return;
        try
        {
            var started = Stopwatch.GetTimestamp();
            await SaveAsync(batch);
            RecordCommitted(batch, started);
            foreach (var pending in batch) pending.Done.TrySetResult();
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // One bad idea must not fail the others: write them one by one, so each caller gets its own outcome.
            LogBatchFailed(logger, batch.Count, ex.GetType().Name);
            foreach (var pending in batch)
            {
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    await SaveAsync([pending]);
                    RecordCommitted([pending], started);
                    pending.Done.TrySetResult();
                }
                catch (Exception single)
                {
                    pending.Done.TrySetException(single);
                }
            }
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
        }
    }

    private static void RecordCommitted(IReadOnlyList<Pending> batch, long started)
    {
        var now = Stopwatch.GetTimestamp();
        IdeaWriterMetrics.BatchSize.Record(batch.Count);
        IdeaWriterMetrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started, now).TotalSeconds);
        if (!IdeaWriterMetrics.IdeaWait.Enabled) return;
        foreach (var pending in batch) IdeaWriterMetrics.IdeaWait.Record(Stopwatch.GetElapsedTime(pending.QueuedAt, now).TotalSeconds);
    }

    private Task SaveAsync(IReadOnlyList<Pending> batch) => WriteBatchAsync(batch.Select(p => (p.Idea, p.Deliveries)).ToList());

    /// <summary>Writes one batch in one transaction, as the writer does (bench/WriterBench times this alone).</summary>
    internal async Task WriteBatchAsync(IReadOnlyList<(Idea Idea, IReadOnlyList<ProcessedEvent> Deliveries)> rows)
    {
        Interlocked.Increment(ref _transactions);
        // A context of its own: the callers' contexts may hold other, unrelated changes that are not theirs to commit now.
        // Kept from batch to batch with its open connection (IdeaInsert); one writer at a time uses it.
        _writerScope ??= scopes.CreateAsyncScope();
        var insert = _insert ??= new IdeaInsert(_writerScope.Value.ServiceProvider.GetRequiredService<ImproveBotDbContext>());
        // Not cancellable: once a batch starts, it finishes for everyone in it.
        // Through the provider's execution strategy, as SaveChanges would be: on PostgreSQL a dropped connection is
        // retried (the failed attempt closed it, so the retry opens a new one).
        var strategy = insert.Db.Database.CreateExecutionStrategy();
        await gate.WriteAsync(() => strategy.ExecuteAsync(() => insert.ExecuteAsync(rows, CancellationToken.None)), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_insert is not null) await _insert.DisposeAsync();
        if (_writerScope is { } scope) await scope.DisposeAsync();
    }

    private sealed class Pending(Idea idea, IReadOnlyList<ProcessedEvent> deliveries)
    {
        public Idea Idea { get; } = idea;
        public IReadOnlyList<ProcessedEvent> Deliveries { get; } = deliveries;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long QueuedAt { get; } = Stopwatch.GetTimestamp();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The idea writer stopped unexpectedly ({Error}); queued ideas get a new writer")]
    private static partial void LogWriterFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing {Count} ideas together failed ({Error}); writing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, string error);
}
