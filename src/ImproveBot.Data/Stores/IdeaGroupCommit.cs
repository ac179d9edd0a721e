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
/// Callers queue their ideas; one dedicated thread, the writer, takes what is queued as a batch, commits it and wakes
/// its callers, and takes the next batch, which gathered meanwhile. A commit blocks its thread for the sync
/// (Microsoft.Data.Sqlite is synchronous), so the writer has a thread of its own rather than holding a pool thread, and
/// no request's thread is kept writing other requests' batches (bench/README, "Seventh session").
/// </remarks>
internal sealed partial class IdeaGroupCommit(IServiceScopeFactory scopes, SqliteWriteGate gate, ILogger<IdeaGroupCommit> logger)
    : IAsyncDisposable
{
    /// <summary>At most this many ideas per transaction, so that one batch never holds the writer for long.</summary>
    internal const int MaxBatch = 256;

    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _start = new();
    private Thread? _writer;
    private int _sleeping;  // 1 while the writer waits for work: the next caller to queue wakes it
    private int _stopping;  // 1 once DisposeAsync has begun
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
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopping) == 1, this);
        var pending = new Pending(idea, deliveries);
        _queue.Enqueue(pending);
        if (_writer is null) StartWriter();
        if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
        await pending.Done.Task.WaitAsync(ct);
    }

    private void StartWriter()
    {
        lock (_start)
        {
            if (_writer is not null || Volatile.Read(ref _stopping) == 1) return;
            _writer = new Thread(RunWriter) { IsBackground = true, Name = "idea writer" };
            _writer.Start();
        }
    }

    /// <summary>The writer thread: commits batches while ideas are queued, sleeps while none are.</summary>
    private void RunWriter()
    {
        while (true)
        {
            if (_queue.IsEmpty)
            {
                if (Volatile.Read(ref _stopping) == 1) return;
                // A full fence, not a volatile write: the queue is read next, and a plain store may still sit in this
                // core's store buffer when that read happens (store-load reordering, allowed on x86 and ARM). A caller
                // could then enqueue, see the flag still 0 and not wake us, while we saw the queue empty and slept.
                Interlocked.Exchange(ref _sleeping, 1);
                // Looked at again after saying so: a caller that queued before seeing the flag did not wake us. If one
                // saw it (and cleared it), its wake-up is on its way and must be taken, or the next wait returns early.
                if (_queue.IsEmpty && Volatile.Read(ref _stopping) == 0 || Interlocked.Exchange(ref _sleeping, 0) == 0) _wake.Wait();
                continue;
            }
            try
            {
                WriteQueuedAsync().GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                // WriteQueuedAsync settles every idea it takes; this is only for the unexpected. The writer goes on.
                LogWriterFailed(logger, ex.GetType().Name);
            }
        }
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
        // The writer commits what is queued, then exits; the host waits for it (bounded: a commit that hangs is the
        // database's to time out, and a stuck thread must not hold the process up).
        if (Interlocked.Exchange(ref _stopping, 1) == 1) return;
        _wake.Release();
        Thread? writer;
        lock (_start) writer = _writer; // no writer starts after this
        if (writer is not null) await Task.Run(() => writer.Join(TimeSpan.FromSeconds(30)));
        // Only a caller that queued just as the writer exited can be left: it is told, not left waiting.
        while (_queue.TryDequeue(out var left)) left.Done.TrySetException(new ObjectDisposedException(nameof(IdeaGroupCommit)));
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
