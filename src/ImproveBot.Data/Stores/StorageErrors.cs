using ImproveBot.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ImproveBot.Data.Stores;

/// <summary>
/// Tells a database that could not take a write now (busy, locked, full, gone) from a bug or a refused row, so the core
/// can tell the person "not saved, try again" instead of failing the request.
/// </summary>
internal static class StorageErrors
{
    /// <summary>A short reason (<c>busy</c>, <c>locked</c>, <c>full</c>, …) when <paramref name="ex"/> or an inner exception is such a failure; otherwise null.</summary>
    public static string? Classify(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Primary result codes: https://www.sqlite.org/rescode.html
                case SqliteException s:
                    return s.SqliteErrorCode switch
                    {
                        5 => "busy",
                        6 => "locked",
                        7 => "out of memory",
                        8 => "read-only",
                        10 => "I/O error",
                        13 => "full",
                        14 => "cannot open",
                        _ => null,
                    };
                case PostgresException p:
                    return p.SqlState switch
                    {
                        PostgresErrorCodes.DiskFull => "full",
                        PostgresErrorCodes.OutOfMemory => "out of memory",
                        PostgresErrorCodes.TooManyConnections => "too many connections",
                        PostgresErrorCodes.LockNotAvailable => "locked",
                        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow => "shutting down",
                        PostgresErrorCodes.ReadOnlySqlTransaction => "read-only",
                        _ => p.IsTransient ? "transient" : null,
                    };
                case NpgsqlException n when n.IsTransient:
                    return "unreachable";
                case RetryLimitExceededException:
                    continue; // the strategy gave up: the reason is the inner failure
            }
        }
        return null;
    }

    /// <summary>Runs a write and turns a storage failure into <see cref="StorageUnavailableException"/>.</summary>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (Exception ex) when (ex is not StorageUnavailableException and not DuplicateKeyException && Classify(ex) is { } reason)
        {
            throw new StorageUnavailableException(reason, ex);
        }
    }

    public static Task GuardAsync(Func<Task> write) =>
        GuardAsync(async () =>
        {
            await write();
            return true;
        });
}
