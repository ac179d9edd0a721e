using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ImproveBot.Data;

/// <summary>Creates the database if needed and applies EF Core migrations: an explicit start-up step and the <c>migrate</c> verb.</summary>
public sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, DatabaseConnection connection, ILogger<DatabaseMigrator> logger)
{
    // Any fixed number works; it only has to be the same in every instance (and unlikely in other applications).
    private const long MigrationLockKey = 0x1B0_7E_D8_CA7A;
    private static readonly TimeSpan MigrationLockWait = TimeSpan.FromMinutes(5);

    public async Task MigrateAsync(CancellationToken ct)
    {
        if (connection.Provider == DatabaseProvider.Sqlite)
        {
            PrepareSqliteFile(connection.ConnectionString);
            await MigrateNowAsync(ct);
            return;
        }

        // Several instances start at once on one PostgreSQL database, and EF's own migration lock does not stop two of
        // them from applying the same migration (seen: "column already exists"). A session advisory lock makes them
        // take turns: the first applies, the others find nothing pending. It dies with its session, so a crashed
        // migrator never leaves it behind.
        await using var lockConnection = new NpgsqlConnection(connection.ConnectionString);
        await lockConnection.OpenAsync(ct);
        var deadline = DateTime.UtcNow + MigrationLockWait;
        while (!await TryLockAsync(lockConnection, ct))
        {
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Another instance held the migration lock for over {MigrationLockWait.TotalMinutes} minutes.");
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
        try
        {
            await MigrateNowAsync(ct);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            unlock.Parameters.AddWithValue("key", MigrationLockKey);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection lockConnection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", lockConnection);
        command.Parameters.AddWithValue("key", MigrationLockKey);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task MigrateNowAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ImproveBotDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        if (connection.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers (health checks, /api) run while the dispatcher writes; it is a property of the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        LogMigrated(logger, connection.Provider, pending.Count);
    }

    /// <summary>Whether the database answers a trivial query.</summary>
    public async Task<bool> CanConnectAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ImproveBotDbContext>();
        return await db.Database.CanConnectAsync(ct);
    }

    private static void PrepareSqliteFile(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:") return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready on {Provider}; applied {Count} pending migrations")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider, int count);
}
