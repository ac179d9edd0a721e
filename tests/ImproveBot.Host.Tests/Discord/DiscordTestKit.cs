using System.Text.Json.Nodes;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Prompts;
using ImproveBot.Data;
using ImproveBot.Testing;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Discord;

/// <summary>The bot wired to a fake Discord on 127.0.0.1, with helpers that speak Discord's interactions.</summary>
internal sealed class DiscordTestKit : IAsyncDisposable
{
    public const string Guild = "1300000000000000001";
    public const string DigestChannel = "1300000000000000002";

    public static readonly FakeDiscordUser Ada = new("1200000000000000001", "ada") { GlobalName = "Ada Lovelace" };
    public static readonly FakeDiscordUser Bob = new("1200000000000000002", "bob") { Nick = "Bobby" };

    /// <summary>Has Manage Server (1 &lt;&lt; 5) in the server, so the core treats them as an admin.</summary>
    public static readonly FakeDiscordUser Lead = new("1200000000000000003", "lead") { Permissions = "32" };

    /// <summary>Nobody the bot has met.</summary>
    public static readonly FakeDiscordUser Stranger = new("1200000000000000009", "stranger");

    private DiscordTestKit(FakeDiscordServer discord, BotTestHost host)
    {
        Discord = discord;
        Host = host;
    }

    public FakeDiscordServer Discord { get; }
    public BotTestHost Host { get; }

    public static async Task<DiscordTestKit> StartAsync(Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null,
        FakeDiscordOptions? discordOptions = null, Action<FakeDiscordServer>? prepare = null)
    {
        var discord = await FakeDiscordServer.StartAsync(discordOptions);
        prepare?.Invoke(discord);
        discord.AddUser(Ada).AddUser(Bob).AddUser(Lead).AddUser(Stranger).AddGuild(Guild, "Fake Server", DigestChannel);
        var merged = new Dictionary<string, string?>
        {
            ["Discord:BotToken"] = discord.BotToken,
            ["Discord:ApplicationId"] = discord.ApplicationId,
            ["Discord:PublicKey"] = discord.Signer.PublicKeyHex,
            ["Discord:ApiBaseUrl"] = discord.ApiBaseUrl.ToString(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) merged[key] = value;
        var host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), merged, services);
        return new DiscordTestKit(discord, host);
    }

    /// <summary>Posts an interaction signed as Discord signs it, at the bot's clock, and returns what the bot answered.</summary>
    public Task<FakeInteractionResponse> SendAsync(JsonObject interaction) =>
        Discord.SendInteractionAsync(Host.Http, interaction, Host.Clock.GetUtcNow());

    /// <summary>A slash command in the server (or, with <paramref name="inDm"/>, in the bot's DM); the answer's text.</summary>
    public async Task<string> SlashAsync(FakeDiscordUser user, string name, JsonObject[] options, bool inDm = false)
    {
        var response = await SendAsync(Discord.SlashCommand(user, inDm ? null : Guild, name, options));
        Assert.Equal(200, response.HttpStatus);
        Assert.Equal(4, response.Type);
        Assert.Equal(64, response.Data!["flags"]!.GetValue<int>());
        Assert.Equal("""{"parse":[]}""", response.Data["allowed_mentions"]!.ToJsonString());
        return response.Data["content"]!.GetValue<string>();
    }

    public static JsonObject Text(string name, string value) => FakeDiscordServer.Option(name, 3, value);

    public Task<long> TeamIdAsync() =>
        Host.InScopeAsync(async sp => (await sp.GetRequiredService<IMemberDirectory>().FindTeamAsync("discord", Guild, default))!.Id);

    public Task RunPromptAsync() => Host.InScopeAsync(async sp =>
    {
        await sp.GetRequiredService<WeeklyPromptService>().PromptTeamNowAsync(await TeamIdAsync(), default);
        await sp.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(default);
    });

    public Task RunDigestAsync() => Host.InScopeAsync(async sp =>
    {
        await sp.GetRequiredService<DigestService>().PostNowAsync(await TeamIdAsync(), default);
        await sp.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(default);
    });

    public Task<T> DbAsync<T>(Func<ImproveBotDbContext, Task<T>> query) =>
        Host.InScopeAsync(sp => query(sp.GetRequiredService<ImproveBotDbContext>()));

    /// <summary>The first button whose action id (after any server prefix) starts with <paramref name="prefix"/> in a user's DM.</summary>
    public string ButtonInDirectMessage(string userId, string prefix) =>
        Discord.DirectMessagesTo(userId).SelectMany(m => m.CustomIds).FirstOrDefault(id => id.Split('|')[^1].StartsWith(prefix, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"No button {prefix}* in {userId}'s DM.");

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; for work the bot finishes after answering.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), $"Timed out waiting for: {what}");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Discord.DisposeAsync();
    }
}
