using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ImproveBot.Data.Stores;

/// <summary>
/// Makes every SQLite connection the process opens wait for a held write lock inside SQLite, in steps of 1, 2, 5, 10…
/// up to 100 ms, for as long as the connection string's <c>Default Timeout</c> (30 s unless set).
/// </summary>
/// <remarks>
/// Without it SQLite answers "busy" at once and Microsoft.Data.Sqlite retries after sleeping the thread 150 ms. The
/// <see cref="SqliteWriteGate"/> keeps the bot's own writers apart, but Quartz shares the file and takes the write lock
/// for each look at its triggers (every 30 s when idle): a commit of the idea writer that met it waited 150 ms, and
/// every <c>/idea</c> behind that commit with it; under load that was a 160 ms stall in about one run in six. A
/// backup or a second tool holding the lock briefly costs the same. With SQLite's own busy handler the wait is as long
/// as the lock is held, rounded up to the next step.
/// </remarks>
internal static class SqliteBusyWait
{
    /// <summary>Sets the busy handler on <paramref name="connection"/>, which must be open; a no-op for other databases.</summary>
    public static void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { State: ConnectionState.Open } sqlite) return;
        // Default Timeout is in seconds, 0 meaning no limit (as Microsoft.Data.Sqlite reads it for its own retries).
        var milliseconds = sqlite.DefaultTimeout <= 0 ? int.MaxValue : (int)Math.Min(int.MaxValue, sqlite.DefaultTimeout * 1000L);
        var rc = SQLitePCL.raw.sqlite3_busy_timeout(sqlite.Handle, milliseconds);
        if (rc != SQLitePCL.raw.SQLITE_OK) throw new SqliteException($"Could not set SQLite's busy timeout (error {rc}).", rc);
    }

    /// <summary>For EF Core contexts on SQLite: applies the busy wait each time the context opens its connection.</summary>
    public static IInterceptor Interceptor { get; } = new OpenedInterceptor();

    /// <summary>
    /// For code that makes its own connections, Quartz's job store among them: Microsoft.Data.Sqlite's objects, with
    /// the busy wait applied whenever a connection it makes opens (again after each return to the pool).
    /// </summary>
    public static DbProviderFactory ProviderFactory { get; } = new WaitingProviderFactory();

    private sealed class OpenedInterceptor : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }
    }

    private sealed class WaitingProviderFactory : DbProviderFactory
    {
        public override DbConnection CreateConnection()
        {
            var connection = new SqliteConnection();
            connection.StateChange += (sender, change) =>
            {
                if (change.CurrentState == ConnectionState.Open) Apply((DbConnection)sender);
            };
            return connection;
        }

        public override DbCommand CreateCommand() => SqliteFactory.Instance.CreateCommand();

        public override DbParameter CreateParameter() => SqliteFactory.Instance.CreateParameter();

        public override DbConnectionStringBuilder CreateConnectionStringBuilder() => SqliteFactory.Instance.CreateConnectionStringBuilder();
    }
}
