namespace ImproveBot.Data.Stores;

/// <summary>
/// One writer at a time per process on SQLite. SQLite allows a single writer anyway; when two connections try,
/// Microsoft.Data.Sqlite answers "busy" by sleeping the thread 150 ms and retrying, which under concurrent
/// commands costs whole seconds and blocks thread-pool threads. Waiting here, asynchronously, is cheaper and fair.
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
