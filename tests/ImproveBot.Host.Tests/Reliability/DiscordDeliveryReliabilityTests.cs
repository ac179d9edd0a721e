using System.Diagnostics;
using ImproveBot.Testing;
using ImproveBot.Testing.Faults;
using ImproveBot.Testing.FakeDiscord;
using Xunit.Abstractions;

namespace ImproveBot.Host.Tests.Reliability;

/// <summary>
/// The weekly fan-out to Discord from the real bot process, through a Discord REST API that fails one request in five in
/// every way a network can (some after the message was created): every member gets their prompt exactly once. Discord
/// dedupes a repeated send by its nonce (<c>enforce_nonce</c>), which the fake implements as documented.
/// </summary>
public sealed class DiscordDeliveryReliabilityTests(ITestOutputHelper output)
{
    private const string Guild = "1300000000000000001";
    private static readonly TimeSpan Bounded = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task FanOut_WithOneRequestInFiveFaulted_EveryMemberPromptedExactlyOnce()
    {
        const int members = 100;
        var seed = Random.Shared.Next();
        output.WriteLine($"fault seed {seed}");
        await using var kit = new ReliabilityKit();
        await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions
        {
            Faults = new FaultOptions { Rate = 0.2, Seed = seed, RetryAfter = TimeSpan.FromSeconds(1), Hold = TimeSpan.FromSeconds(6) },
        });
        var users = Enumerable.Range(1, members).Select(n => $"12000000000{n:D8}").ToList();
        foreach (var user in users) discord.AddUser(new FakeDiscordUser(user, $"member{user[^4..]}"));
        discord.AddGuild(Guild, "Reliability Server", "1300000000000000002");
        await kit.SeedTeamDueNowAsync("discord", Guild, users);

        var settings = kit.BaseSettings(lease: TimeSpan.FromSeconds(60));
        settings["Discord__BotToken"] = discord.BotToken;
        settings["Discord__ApplicationId"] = discord.ApplicationId;
        settings["Discord__PublicKey"] = discord.Signer.PublicKeyHex;
        settings["Discord__ApiBaseUrl"] = discord.ApiBaseUrl.AbsoluteUri;
        settings["Discord__RequestTimeout"] = "00:00:02";

        var clock = Stopwatch.StartNew();
        await using (var bot = BotProcess.Start(settings))
        {
            Assert.True(await ReliabilityKit.WaitForAsync(async () =>
                    users.All(u => discord.DirectMessagesTo(u).Count > 0) && await kit.UnsentOutboxRowsAsync() == 0, Bounded),
                $"not every member was prompted ({discord.Messages.Count} messages):\n{bot.Tail()}");
        }
        var injected = discord.Faults!.Injected;
        var attempts = discord.CreateAttemptsByNonce.Values.ToList();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s; faults injected: {string.Join(", ", injected.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}; " +
            $"message creations per prompt: mean {attempts.Average():F2}, max {attempts.Max()}; repeated nonces answered: {discord.NonceHits}");

        var duplicated = users.Where(u => discord.DirectMessagesTo(u).Count != 1).Select(u => $"{u}×{discord.DirectMessagesTo(u).Count}").ToList();
        Assert.True(duplicated.Count == 0, $"not prompted exactly once: {string.Join(", ", duplicated.Take(10))}");
        Assert.Equal(members, discord.Messages.Count);
        foreach (var kind in new[] { "429", "5xx", "timeout", "reset", "half_applied" })
            Assert.True(injected.Keys.Any(k => k.StartsWith(kind, StringComparison.Ordinal)), $"no {kind} fault was injected");
        // Some sends were repeated after Discord had created the message, and the nonce kept them from posting twice.
        Assert.True(discord.NonceHits > 0, "no send was repeated after its message was created");
    }
}
