using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Data.Tests.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImproveBot.Data.Tests.Faults;

/// <summary>
/// PostgreSQL refusing writes (here: the database turned read-only, as a failover or a full disk leaves it): the person
/// is told their change was not saved, nothing of it is stored, and writes work again once the database does.
/// </summary>
public sealed class PostgresStorageFaultTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly MemberIdentity Ada = new(new MemberRef("local", "T1", "ada"), "Ada", TimeZone: "UTC");
    private TestStore? _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private Task<Reply> CommandAsync(string text) =>
        _store!.InScopeAsync(sp => sp.GetRequiredService<BotFrontDoor>().HandleCommandTextAsync(Ada, text, Ct));

    private async Task SetReadOnlyAsync(bool readOnly)
    {
        var database = _store!.Postgres!;
        var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"ALTER DATABASE \"{database.Name}\" SET default_transaction_read_only = {(readOnly ? "on" : "off")}", connection);
            await command.ExecuteNonQueryAsync();
        }
        // The setting applies to new sessions: drop the pooled ones.
        NpgsqlConnection.ClearAllPools();
    }

    [PostgresFact]
    public async Task ReadOnlyDatabase_IdeaAndSettingsAreAnsweredNotSaved_NothingIsStored_AndWritesResumeAfterwards()
    {
        _store = await TestStore.CreateAsync(TestProvider.Postgres);
        Assert.StartsWith("Saved idea", (await CommandAsync("/idea before the failover")).Text);

        await SetReadOnlyAsync(true);
        Assert.Equal(BotFrontDoor.NotSaved, (await CommandAsync("/idea during the failover")).Text);
        Assert.Equal(BotFrontDoor.NotSaved, (await CommandAsync("/improve pause 1w")).Text);

        await SetReadOnlyAsync(false);
        var stored = await _store.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Ideas.Select(i => i.Text).ToListAsync());
        Assert.Equal(["before the failover"], stored);
        Assert.StartsWith("Saved idea", (await CommandAsync("/idea after the failover")).Text);
    }
}
