using System.Diagnostics;
using ImproveBot.Testing;
using ImproveBot.Testing.Faults;
using ImproveBot.Testing.FakeSlack;
using Xunit.Abstractions;

namespace ImproveBot.Host.Tests.Reliability;

/// <summary>
/// The weekly fan-out to Slack from the real bot process, through crashes (SIGKILL, then a restart on the same database)
/// and through a Slack that fails one request in five in every way a network can: every member must get their prompt
/// exactly once. Counted from what the fake Slack received, by the outbox key in each message's metadata.
/// </summary>
public sealed class SlackDeliveryReliabilityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bounded = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task FanOut_KilledThreeTimesAtRandomPoints_EveryMemberPromptedExactlyOnce()
    {
        const int members = 150;
        await using var kit = new ReliabilityKit();
        // Half the posts are carried out at once and answered 400 ms later, so most kills land between Slack posting a
        // message and the bot recording it: the case the DM check before a re-send is there for.
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions
        {
            Faults = new FaultOptions
            {
                Rate = 0.5, Kinds = FaultKinds.Timeout, AppliedShare = 1, Hold = TimeSpan.FromMilliseconds(400), Methods = ["chat.postMessage"],
            },
        });
        var users = AddUsers(slack, members);
        await kit.SeedTeamDueNowAsync("slack", slack.TeamId, users);
        var settings = SlackSettings(kit, slack, lease: TimeSpan.FromSeconds(10));

        var random = new Random();
        var killAt = Enumerable.Range(0, 3).Select(_ => random.Next(members / 10, members * 8 / 10)).Order().ToArray();
        output.WriteLine($"killing after {string.Join(", ", killAt)} prompts posted");
        var clock = Stopwatch.StartNew();
        var bot = BotProcess.Start(settings);
        try
        {
            foreach (var threshold in killAt)
            {
                Assert.True(await ReliabilityKit.WaitForAsync(() => Task.FromResult(Prompts(slack).Count >= threshold), Bounded),
                    $"the fan-out stalled before {threshold} prompts:\n{bot.Tail()}");
                bot.Kill();
                output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s: killed with {Prompts(slack).Count} prompts posted; restarting");
                await bot.DisposeAsync();
                bot = BotProcess.Start(settings);
            }

            Assert.True(await ReliabilityKit.WaitForAsync(async () =>
                    Prompts(slack).Select(m => m.Channel).Distinct().Count() >= members && await kit.UnsentOutboxRowsAsync() == 0, Bounded),
                $"not every member was prompted ({Prompts(slack).Count} prompts):\n{bot.Tail()}");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s: done; {slack.CallCount("conversations.history")} DM checks before re-sends; " +
                $"{slack.Calls.Count(c => c is { Method: "chat.postMessage", HttpStatus: 499 })} posts carried out whose answer the killed bot never read");
            AssertEachMemberPromptedOnce(slack, users);
        }
        finally
        {
            await bot.DisposeAsync();
        }
    }

    [Fact]
    public async Task FanOut_WithOneRequestInFiveFaulted_EveryMemberPromptedExactlyOnce()
    {
        const int members = 120;
        await using var kit = new ReliabilityKit();
        var seed = Random.Shared.Next();
        output.WriteLine($"fault seed {seed}");
        // Every kind: 429s, 5xx, timeouts, resets, half-written answers; half of the 5xx, timeouts and resets after the
        // message was posted, and every half-written answer, which is where duplicates come from.
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions
        {
            Faults = new FaultOptions { Rate = 0.2, Seed = seed, RetryAfter = TimeSpan.FromSeconds(1), Hold = TimeSpan.FromSeconds(6) },
        });
        var users = AddUsers(slack, members);
        await kit.SeedTeamDueNowAsync("slack", slack.TeamId, users);
        var settings = SlackSettings(kit, slack, lease: TimeSpan.FromSeconds(60));
        settings["Slack__RequestTimeout"] = "00:00:02";

        var clock = Stopwatch.StartNew();
        await using (var bot = BotProcess.Start(settings))
        {
            Assert.True(await ReliabilityKit.WaitForAsync(async () =>
                    Prompts(slack).Select(m => m.Channel).Distinct().Count() >= members && await kit.UnsentOutboxRowsAsync() == 0, Bounded),
                $"not every member was prompted ({Prompts(slack).Count} prompts):\n{bot.Tail()}");
        }
        var injected = slack.Faults!.Injected;
        var attempts = slack.PostAttemptsByKey.Where(kv => kv.Key.StartsWith("prompt:", StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s; faults injected: {string.Join(", ", injected.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}; " +
            $"chat.postMessage attempts per prompt: mean {attempts.Average():F2}, max {attempts.Max()}; DM checks: {slack.CallCount("conversations.history")}");

        AssertEachMemberPromptedOnce(slack, users);
        // The run did meet every kind of fault, including ones after a message was posted (else it proves little).
        foreach (var kind in new[] { "429", "5xx", "timeout", "reset", "half_applied" })
            Assert.True(injected.Keys.Any(k => k.StartsWith(kind, StringComparison.Ordinal)), $"no {kind} fault was injected");
        Assert.Contains(injected.Keys, k => k is "5xx_applied" or "reset_applied" or "timeout_applied");
    }

    private static List<string> AddUsers(FakeSlackServer slack, int members)
    {
        var users = Enumerable.Range(1, members).Select(n => $"U0REL{n:D5}").ToList();
        foreach (var user in users) slack.AddUser(new FakeSlackUser(user, user.ToLowerInvariant(), "UTC"));
        return users;
    }

    private static Dictionary<string, string> SlackSettings(ReliabilityKit kit, FakeSlackServer slack, TimeSpan lease)
    {
        var settings = kit.BaseSettings(lease);
        settings["Slack__BotToken"] = slack.BotToken;
        settings["Slack__SigningSecret"] = "reliability-test-signing-secret";
        settings["Slack__ApiBaseUrl"] = slack.ApiBaseUrl.AbsoluteUri;
        // Slack's per-minute budgets per second: the fake does not enforce them, and 150 DMs at 50 a minute take 3 minutes.
        settings["Slack__RateLimitScale"] = "60";
        return settings;
    }

    private static List<PostedMessage> Prompts(FakeSlackServer slack) =>
        slack.PostedMessages.Where(m => Key(m)?.StartsWith("prompt:", StringComparison.Ordinal) == true).ToList();

    private static string? Key(PostedMessage message) => message.Metadata?["event_payload"]?["key"]?.GetValue<string>();

    /// <summary>Each member's DM holds exactly one prompt, and each prompt key was posted once.</summary>
    private static void AssertEachMemberPromptedOnce(FakeSlackServer slack, IReadOnlyList<string> users)
    {
        var prompts = Prompts(slack);
        var byUser = prompts.GroupBy(m => slack.UserOfDirectMessage(m.Channel) ?? m.Channel).ToDictionary(g => g.Key, g => g.Count());
        var missed = users.Where(u => !byUser.ContainsKey(u)).ToList();
        var duplicated = byUser.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key}×{kv.Value}").ToList();
        Assert.True(missed.Count == 0 && duplicated.Count == 0,
            $"missed: {missed.Count} ({string.Join(", ", missed.Take(10))}); duplicated: {duplicated.Count} ({string.Join(", ", duplicated.Take(10))})");
        Assert.Equal(users.Count, prompts.Select(Key).Distinct().Count());
        Assert.Equal(users.Count, prompts.Count);
    }
}
