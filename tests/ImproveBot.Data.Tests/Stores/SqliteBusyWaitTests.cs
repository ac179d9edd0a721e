using System.Data.Common;
using ImproveBot.Data.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Tests.Stores;

/// <summary>
/// Every SQLite connection of the bot, and of Quartz beside it, waits for another connection's write lock inside
/// SQLite (its busy handler) instead of failing at once into Microsoft.Data.Sqlite's 150 ms sleep; for as long as the
/// connection string's <c>Default Timeout</c> allows. <c>PRAGMA busy_timeout</c> reads the handler's limit back.
/// </summary>
public sealed class SqliteBusyWaitTests : IAsyncLifetime
{
    private TestStore? _store;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "improvebot-data-tests", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData(null, 30_000)] // Microsoft.Data.Sqlite's default of 30 s
    [InlineData("Default Timeout=7", 7_000)]
    public async Task TheBotsContexts_WaitForTheLockInsideSqlite_AsLongAsTheConnectionStringSays(string? options, long expectedMilliseconds)
    {
        _store = await TestStore.CreateAsync(TestProvider.Sqlite, sqliteOptions: options);

        // Twice, in fresh scopes: the second context gets its connection back from the pool and must still wait.
        for (var i = 0; i < 2; i++)
        {
            var timeout = await _store.InScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<ImproveBotDbContext>();
                await db.Database.OpenConnectionAsync();
                try
                {
                    return await BusyTimeoutAsync(db.Database.GetDbConnection());
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
            });
            Assert.Equal(expectedMilliseconds, timeout);
        }
    }

    [Theory]
    [InlineData("", 30_000)]
    [InlineData(";Default Timeout=2", 2_000)]
    [InlineData(";Default Timeout=0", int.MaxValue)] // 0: no limit, as Microsoft.Data.Sqlite reads it
    public async Task ConnectionsFromTheProviderFactory_WaitForTheLockInsideSqlite_AlsoAfterAReturnToThePool(string options, long expectedMilliseconds)
    {
        var connectionString = $"Data Source={Path.Combine(_directory, "quartz.db")}{options}";
        for (var i = 0; i < 2; i++)
        {
            await using var connection = SqliteBusyWait.ProviderFactory.CreateConnection()!;
            connection.ConnectionString = connectionString;
            await connection.OpenAsync();
            Assert.Equal(expectedMilliseconds, await BusyTimeoutAsync(connection));
        }
    }

    [Fact]
    public void TheProviderFactory_MakesMicrosoftDataSqlitesObjects_ForQuartzToUse()
    {
        var factory = SqliteBusyWait.ProviderFactory;

        Assert.IsType<SqliteConnection>(factory.CreateConnection());
        Assert.IsType<SqliteCommand>(factory.CreateCommand());
        Assert.IsType<SqliteParameter>(factory.CreateParameter());
        Assert.IsType<SqliteConnectionStringBuilder>(factory.CreateConnectionStringBuilder());
    }

    [Fact]
    public async Task AWriteThatMeetsAnotherConnectionsLock_IsStoredOnceTheLockIsReleased()
    {
        _store = await TestStore.CreateAsync(TestProvider.Sqlite);
        await using var holder = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False");
        await holder.OpenAsync();
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;"; // as Quartz takes it for each look at its triggers
            await begin.ExecuteNonQueryAsync();
        }

        // On a thread of its own: Microsoft.Data.Sqlite's async calls block inside SQLite while it waits.
        var write = Task.Run(() => _store.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Database
            .ExecuteSqlRawAsync("CREATE TABLE busy_wait_probe (id INTEGER PRIMARY KEY);")));
        await Task.Delay(50); // bounded: the write is now waiting for the lock (or, on a slow machine, about to)
        Assert.False(write.IsCompleted);

        await using (var commit = holder.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }
        await write.WaitAsync(TimeSpan.FromSeconds(30));

        await using var check = holder.CreateCommand();
        check.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'busy_wait_probe';";
        Assert.Equal(1L, await check.ExecuteScalarAsync());
    }

    private static async Task<long> BusyTimeoutAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
