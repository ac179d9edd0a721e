using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Data;

/// <summary>Creates the database if needed and applies EF Core migrations: an explicit start-up step and the <c>migrate</c> verb.</summary>
public sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, DatabaseConnection connection, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        if (connection.Provider == DatabaseProvider.Sqlite) PrepareSqliteFile(connection.ConnectionString);

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
