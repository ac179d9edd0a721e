using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using ImproveBot.Data;
using ImproveBot.Testing;
using ImproveBot.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Cluster;

/// <summary>The bot on PostgreSQL while the database drops every connection, as it does when it restarts.</summary>
public sealed partial class ConnectionResilienceTests
{
    private const int Workers = 4;
    private const int CommandsPerWorker = 30;

    [PostgresFact]
    public async Task ConnectionsDroppedMidRun_NoAcknowledgedCommandIsLost_AndTheBotRecovers()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:ImproveBot"] = database.ConnectionString,
        });

        // The scheduler too must be up (its cluster check-in uses the same database) before the connections go.
        Assert.True(await ReadyWithinAsync(host, TimeSpan.FromSeconds(60)), "the bot never got ready");

        var acknowledged = new ConcurrentDictionary<string, long>();
        var refused = 0;
        using var done = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < CommandsPerWorker; i++)
            {
                // Distinct words, so that no idea reads like another (the similar-idea check stays out of the way).
                var text = $"{Guid.NewGuid():N} {Guid.NewGuid():N}";
                using var answer = await host.Http.PostAsJsonAsync("local/command", new { user = $"user{w}", text = $"/idea {text}" });
                var body = await answer.Content.ReadAsStringAsync();
                if (answer.StatusCode == HttpStatusCode.OK && SavedIdea().Match(body) is { Success: true } saved)
                    acknowledged[text] = long.Parse(saved.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                else Interlocked.Increment(ref refused);
            }
        })).ToList();

        // Drop every connection of the bot a few times while the commands run.
        long terminated = 0;
        for (var round = 0; round < 5 && workers.Any(t => !t.IsCompleted); round++)
        {
            await Task.Delay(300);
            terminated += await database.TerminateSessionsAsync();
        }
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(terminated > 0, "no session was dropped: the test proved nothing");
        Assert.NotEmpty(acknowledged);
        // Every command the bot answered "saved" is in the database, under the id it gave.
        var stored = await host.InScopeAsync(async sp =>
            await sp.GetRequiredService<ImproveBotDbContext>().Ideas.AsNoTracking().ToDictionaryAsync(i => i.Text, i => i.Id));
        Assert.All(acknowledged, kv => Assert.Equal(kv.Value, stored.GetValueOrDefault(kv.Key)));
        // The retrying execution strategy rides over the drops: nothing is refused.
        Assert.Equal(0, refused);

        using var after = await host.Http.PostAsJsonAsync("local/command", new { user = "user0", text = "/idea after the storm comes calm" });
        Assert.Matches(SavedIdea(), await after.Content.ReadAsStringAsync());
        // Readiness (database and scheduler) comes back by itself.
        Assert.True(await ReadyWithinAsync(host, TimeSpan.FromSeconds(60)), "the bot did not become ready again");
    }

    private static async Task<bool> ReadyWithinAsync(BotTestHost host, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var ready = await host.Http.GetAsync("readyz");
            if (ready.StatusCode == HttpStatusCode.OK) return true;
            await Task.Delay(200);
        }
        return false;
    }

    [GeneratedRegex(@"Saved idea #(\d+)")]
    private static partial Regex SavedIdea();
}
