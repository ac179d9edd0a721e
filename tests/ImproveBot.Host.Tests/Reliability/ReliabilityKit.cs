using ImproveBot.Core;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Teams;
using ImproveBot.Data;
using ImproveBot.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace ImproveBot.Host.Tests.Reliability;

/// <summary>
/// The bot as a real process (<see cref="BotProcess"/>) on a SQLite file, with real time: a team whose weekly prompt
/// fell due a minute ago, seeded before the bot starts, and bounded waits on what the fake platform received.
/// </summary>
internal sealed class ReliabilityKit : IAsyncDisposable
{
    private readonly string _directory;

    public ReliabilityKit()
    {
        _directory = Path.Combine(Path.GetTempPath(), "improvebot-reliability-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    public string ConnectionString => $"Data Source={Path.Combine(_directory, "improvebot.db")}";

    /// <summary>Settings every bot process here gets: this SQLite file, and the scheduler ticking fast.</summary>
    public Dictionary<string, string> BaseSettings(TimeSpan lease) => new()
    {
        ["Database__Provider"] = "Sqlite",
        ["ConnectionStrings__ImproveBot"] = ConnectionString,
        ["Scheduling__SweepInterval"] = "00:00:05",
        ["Scheduling__DispatchInterval"] = "00:00:01",
        ["Scheduling__OutboxLease"] = lease.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Migrates the database and adds a team of <paramref name="userIds"/> on <paramref name="platform"/> whose prompt is due now.</summary>
    public async Task SeedTeamDueNowAsync(string platform, string tenantId, IReadOnlyList<string> userIds)
    {
        await DueTeamSeeder.SeedAsync("Sqlite", ConnectionString, platform, tenantId, userIds);
        SqliteConnection.ClearAllPools(); // the bot process takes the file over
    }

    /// <summary>Outbox rows not yet sent (pending, in flight or failed), read beside the running bot.</summary>
    public async Task<long> UnsentOutboxRowsAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString + ";Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT count(*) FROM outbox WHERE "State" <> 2""";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return await condition();
    }


    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
