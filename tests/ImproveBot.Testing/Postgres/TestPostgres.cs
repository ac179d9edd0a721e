using Npgsql;
using Xunit;
using Xunit.Sdk;

namespace ImproveBot.Testing.Postgres;

/// <summary>
/// The PostgreSQL server tests may use, named by <c>IMPROVEBOT_TEST_POSTGRES</c> (a connection string for a role
/// that may create databases). Each test gets a database of its own (<see cref="CreateDatabaseAsync"/>).
/// </summary>
/// <remarks>
/// Without the variable, PostgreSQL tests are skipped with a reason that says how to run them, so a developer
/// without a server sees them skipped rather than failing. CI (<c>.ci/run</c>) starts a server and also sets
/// <c>IMPROVEBOT_TEST_POSTGRES_REQUIRED=1</c>: then a missing variable or a server that does not answer fails the
/// tests instead of skipping them, so CI can never pass without having run them.
/// </remarks>
public static class TestPostgres
{
    public const string Variable = "IMPROVEBOT_TEST_POSTGRES";
    public const string RequiredVariable = "IMPROVEBOT_TEST_POSTGRES_REQUIRED";

    public static string? AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    /// <summary>Null when PostgreSQL tests should run (a server is named, or CI requires them); else why they are skipped.</summary>
    public static string? SkipReason => AdminConnectionString is null && !Required
        ? $"PostgreSQL tests need a server: set {Variable} (e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=…), or run .ci/run, which starts one."
        : null;

    /// <summary>A fresh, empty database on the test server; dropped on dispose.</summary>
    public static async Task<TestPostgresDatabase> CreateDatabaseAsync(CancellationToken ct = default)
    {
        var admin = AdminConnectionString ?? throw new InvalidOperationException(
            $"{RequiredVariable}=1 but {Variable} is not set: CI must run the PostgreSQL tests against a server.");
        var name = "improvebot_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestPostgresDatabase(admin, name, builder.ConnectionString);
    }
}

/// <summary>One test's own database on the test server.</summary>
public sealed class TestPostgresDatabase : IAsyncDisposable
{
    private readonly string _admin;

    internal TestPostgresDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// Closes every session on this database (pooled ones included), as a server restart would, and returns how many.
    /// Unlike a real restart it leaves the other tests' databases on the shared server alone.
    /// </summary>
    public async Task<long> TerminateSessionsAsync(CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync(ct);
        await using var kill = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
        kill.Parameters.AddWithValue("name", Name);
        return (long)(await kill.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(pooled);
        try
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            // FORCE closes sessions a host under test may still hold (PostgreSQL 13+).
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // A leftover test database is harmless (the CI server is thrown away); never fail a test over it.
        }
    }
}

/// <summary>A test that needs PostgreSQL: skipped with a reason when no server is named, failing when CI requires one.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = TestPostgres.SkipReason;
}

/// <summary>The database providers a store test runs on.</summary>
public enum TestProvider
{
    Sqlite,
    Postgres,
}

/// <summary>A theory row for SQLite: always runs.</summary>
public sealed class SqliteDataAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[TestProvider.Sqlite]];
}

/// <summary>A theory row for PostgreSQL: skipped like <see cref="PostgresFactAttribute"/> when no server is named.</summary>
public sealed class PostgresDataAttribute : DataAttribute
{
    public PostgresDataAttribute() => Skip = TestPostgres.SkipReason;

    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[TestProvider.Postgres]];
}
