namespace ImproveBot.Data.Stores;

/// <summary>
/// One writer at a time per process on SQLite. SQLite allows a single writer anyway; when two connections try, the
/// second waits in SQLite's busy handler (<see cref="SqliteBusyWait"/>), blocking a thread-pool thread in sleeps of
/// growing length and in no particular order. Waiting here, asynchronously, is cheaper and fair; the busy handler is
/// left for writers outside the gate (Quartz, another process).
/// On PostgreSQL the gate is open: it handles concurrent writers itself.
/// </summary>
internal sealed class SqliteWriteGate(DatabaseConnection database)
{
    private readonly SemaphoreSlim? _gate = database.Provider == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    public async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        if (_gate is null) return await write();
        await _gate.WaitAsync(ct);
        try
        {
            return await write();
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task WriteAsync(Func<Task> write, CancellationToken ct) =>
        WriteAsync(async () =>
        {
            await write();
            return true;
        }, ct);
}
