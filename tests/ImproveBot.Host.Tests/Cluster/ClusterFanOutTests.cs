using System.Diagnostics;
using Xunit.Abstractions;
using ImproveBot.Core;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Teams;
using ImproveBot.Data;
using ImproveBot.Testing;
using ImproveBot.Testing.FakeSlack;
using ImproveBot.Testing.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace ImproveBot.Host.Tests.Cluster;

/// <summary>
/// Three bot processes on one PostgreSQL database, sending the weekly prompt to Slack (the fake), and one of them
/// killed (SIGKILL) while it holds claimed messages: every member must still get their prompt exactly once.
/// </summary>
public sealed class ClusterFanOutTests(ITestOutputHelper output)
{
    private const int Members = 120;
    private static readonly TimeSpan Bounded = TimeSpan.FromMinutes(3);

    [PostgresFact]
    public async Task ThreeInstances_OneKilledMidFanOut_EveryMemberPromptedExactlyOnce()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync();
        await using var slack = await FakeSlackServer.StartAsync();
        for (var i = 1; i <= Members; i++) slack.AddUser(new FakeSlackUser($"U{i:D6}", $"member{i}", "UTC"));
        // Each post takes a little while, as over a real network, so the fan-out lasts long enough to kill an
        // instance in the middle of it.
        slack.DelayNext("chat.postMessage", Members * 2, TimeSpan.FromMilliseconds(60));

        var settings = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__ImproveBot"] = database.ConnectionString,
            ["Slack__BotToken"] = slack.BotToken,
            ["Slack__SigningSecret"] = "cluster-test-signing-secret",
            ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl.AbsoluteUri,
            ["Scheduling__SweepInterval"] = "00:00:05",
            ["Scheduling__DispatchInterval"] = "00:00:01",
            // Short, so the killed instance's claims come back within the test, but not so short that a send slowed
            // by a loaded CI machine outlives its claim (the production default is 2 minutes).
            ["Scheduling__OutboxLease"] = "00:00:30",
            ["Scheduling__ClusterCheckinInterval"] = "00:00:02",
            ["Scheduling__ClusterCheckinMisfireThreshold"] = "00:00:03",
        };
        var bots = new List<BotProcess>();
        var clock = Stopwatch.StartNew();
        try
        {
            // All three start together on an empty database: migrations and Quartz's schema race, and must not mind.
            for (var i = 0; i < 3; i++) bots.Add(BotProcess.Start(settings));
            foreach (var bot in bots)
                Assert.True(await bot.WaitUntilReadyAsync(TimeSpan.FromSeconds(120)), $"instance {bot.ProcessId} never got ready:\n{bot.Tail()}");

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s: three instances ready");
            // Only now does the prompt fall due, so every instance is up to take part in the fan-out.
            await SeedTeamDueNowAsync(database.ConnectionString, slack.TeamId);

            // Wait for the fan-out to be under way, then kill the instance holding the most claimed, unsent messages.
            Assert.True(await WaitForAsync(() => Task.FromResult(PromptsPosted(slack).Count >= Members / 5), Bounded), "the fan-out never started");
            BotProcess? victim = null;
            var victimClaims = 0;
            for (var attempt = 0; attempt < 100 && victim is null; attempt++)
            {
                foreach (var (holder, count) in await InFlightByHolderAsync(database.ConnectionString))
                {
                    victim = bots.FirstOrDefault(b => holder.Contains($"/{b.ProcessId}/", StringComparison.Ordinal));
                    if (victim is null) continue;
                    victim.Kill();
                    victimClaims = count;
                    break;
                }
                if (victim is null) await Task.Delay(20);
            }
            Assert.NotNull(victim);
            Assert.True(victimClaims > 0);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s: killed instance {victim.ProcessId} holding {victimClaims} claims; {PromptsPosted(slack).Count} prompts posted");

            // The survivors finish: the dead instance's claims come back when their lease runs out, and members whose
            // prompt it had not queued yet are caught up by the next sweep. Done means both: every member's delivery
            // recorded and nothing left in the outbox (an empty outbox alone can come before the sweep's catch-up).
            var drained = await WaitForAsync(async () =>
                await CountAsync(database.ConnectionString, """SELECT count(*) FROM prompt_deliveries WHERE "Status" <> 0""") == Members
                && await CountAsync(database.ConnectionString, """SELECT count(*) FROM outbox WHERE "State" <> 2""") == 0, Bounded);
            if (!drained)
            {
                // Which half was missing, and in what state the rest was, so a rare failure can be told apart from a slow run.
                var recorded = await CountAsync(database.ConnectionString, """SELECT count(*) FROM prompt_deliveries WHERE "Status" <> 0""");
                var deliveries = await CountAsync(database.ConnectionString, "SELECT count(*) FROM prompt_deliveries");
                var unsent = await CountAsync(database.ConnectionString, """SELECT count(*) FROM outbox WHERE "State" <> 2""");
                var claimed = await CountAsync(database.ConnectionString, """SELECT count(*) FROM outbox WHERE "State" = 1""");
                var failed = await CountAsync(database.ConnectionString, """SELECT count(*) FROM outbox WHERE "State" = 3""");
                Assert.Fail($"the outbox was not drained within {Bounded.TotalMinutes} minutes: {recorded} of {Members} deliveries recorded " +
                    $"({deliveries} rows), {unsent} messages unsent ({claimed} in flight, {failed} given up), {PromptsPosted(slack).Count} prompts posted\n" +
                    string.Join("\n---\n", bots.Where(b => b != victim).Select(b => b.Tail())));
            }

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s: outbox drained; {PromptsPosted(slack).Count} prompts posted, " +
                $"{slack.CallCount("conversations.history")} history checks before re-sends");
            var perUser = PromptsPosted(slack).GroupBy(m => slack.UserOfDirectMessage(m.Channel) ?? m.Channel).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Members, perUser.Count);
            Assert.All(perUser, kv => Assert.True(kv.Value == 1, $"{kv.Key} got {kv.Value} prompts"));
            Assert.Equal(Members, await CountAsync(database.ConnectionString, """SELECT count(*) FROM prompt_deliveries WHERE "Status" <> 0"""));
            // More than one instance did the sending.
            Assert.True(await CountAsync(database.ConnectionString, """SELECT count(DISTINCT "ClaimedBy") FROM outbox""") >= 2);
        }
        finally
        {
            foreach (var bot in bots) await bot.DisposeAsync();
        }
    }

    private static List<PostedMessage> PromptsPosted(FakeSlackServer slack) =>
        slack.PostedMessages.Where(m => m.Metadata?["event_payload"]?["key"]?.GetValue<string>().StartsWith("prompt:", StringComparison.Ordinal) == true).ToList();

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>One Slack team whose weekly prompt fell due a minute ago (UTC), with <see cref="Members"/> members.</summary>
    private static Task SeedTeamDueNowAsync(string connectionString, string slackTeamId) =>
        DueTeamSeeder.SeedAsync("Postgres", connectionString, "slack", slackTeamId, Enumerable.Range(1, Members).Select(i => $"U{i:D6}").ToList());


    private static async Task<List<(string Holder, int Count)>> InFlightByHolderAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT "ClaimedBy", count(*) FROM outbox WHERE "State" = 1 AND "ClaimedBy" IS NOT NULL GROUP BY 1 ORDER BY 2 DESC""", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<(string, int)>();
        while (await reader.ReadAsync()) result.Add((reader.GetString(0), (int)reader.GetInt64(1)));
        return result;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
