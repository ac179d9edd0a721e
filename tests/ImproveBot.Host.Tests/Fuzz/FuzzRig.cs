using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImproveBot.Slack.Api;
using ImproveBot.Testing;
using ImproveBot.Testing.FakeDiscord;
using ImproveBot.Testing.FakeSlack;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Fuzz;

/// <summary>
/// One bot with every front door open at once: Slack over HTTP (signing secret), Discord interactions, the local
/// playground (explicitly on beside them) and the admin API, each platform wired to its fake on 127.0.0.1.
/// </summary>
internal sealed class FuzzRig : IAsyncDisposable
{
    public const string SigningSecret = "fuzz-signing-secret-5d41402abc4b2a76";
    public const string AdminToken = "fuzz-admin-token-7f3c1e9a0b5d4c28";
    public const string SlackAda = "U0ADA00001";
    public const string SlackBob = "U0BOB00001";
    public const string SlackLead = "U0LEAD0001";
    public const string Guild = "1300000000000000001";

    public static readonly FakeDiscordUser DiscordAda = new("1200000000000000001", "ada") { GlobalName = "Ada Lovelace" };
    public static readonly FakeDiscordUser DiscordBob = new("1200000000000000002", "bob");
    public static readonly FakeDiscordUser DiscordLead = new("1200000000000000003", "lead") { Permissions = "32" };

    private FuzzRig(FakeSlackServer slack, FakeDiscordServer discord, BotTestHost host)
    {
        Slack = slack;
        Discord = discord;
        Host = host;
    }

    public FakeSlackServer Slack { get; }
    public FakeDiscordServer Discord { get; }
    public BotTestHost Host { get; }

    /// <summary>Starts the fakes and the bot. <paramref name="settings"/> override or add configuration keys.</summary>
    public static async Task<FuzzRig> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        FakeSlackOptions? slackOptions = null, FakeDiscordOptions? discordOptions = null, Uri? gatewayUrl = null)
    {
        var slack = await FakeSlackServer.StartAsync(slackOptions);
        slack.AddUser(new FakeSlackUser(SlackAda, "ada", "Europe/Berlin"))
             .AddUser(new FakeSlackUser(SlackBob, "bob", "America/New_York"))
             .AddUser(new FakeSlackUser(SlackLead, "lead", null) { IsAdmin = true })
             .AddChannel("C0DIGEST01");
        var discord = await FakeDiscordServer.StartAsync(discordOptions);
        if (gatewayUrl is not null) discord.GatewayUrl = gatewayUrl;
        discord.AddUser(DiscordAda).AddUser(DiscordBob).AddUser(DiscordLead).AddGuild(Guild, "Fuzz Server", "1300000000000000002");
        var merged = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = slack.BotToken,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Slack:SigningSecret"] = SigningSecret,
            ["Discord:BotToken"] = discord.BotToken,
            ["Discord:ApplicationId"] = discord.ApplicationId,
            ["Discord:PublicKey"] = discord.Signer.PublicKeyHex,
            ["Discord:ApiBaseUrl"] = discord.ApiBaseUrl.ToString(),
            ["Local:Enabled"] = "true",
            ["Api:AdminToken"] = AdminToken,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) merged[key] = value;
        var host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), merged, s =>
        {
            // The bot's clock is fake and stands still, so a client-side Slack permit that ran out would never come back:
            // pacing is not what these tests are about.
            s.AddSingleton(new SlackApiPolicy
            {
                MethodLimits = new Dictionary<string, SlackRateLimit>(),
                PostMessagePerChannel = new SlackRateLimit(1_000_000, TimeSpan.FromHours(1)),
            });
            services?.Invoke(s);
        });
        return new FuzzRig(slack, discord, host);
    }

    /// <summary>The bot's clock as Unix seconds, the timestamp a fresh platform request carries.</summary>
    public long Now => Host.Clock.GetUtcNow().ToUnixTimeSeconds();

    public static string Seconds(long unix) => unix.ToString(CultureInfo.InvariantCulture);

    /// <summary>Slack's <c>v0=</c> signature of <paramref name="body"/> at <paramref name="timestamp"/> with <paramref name="secret"/>.</summary>
    public static string SlackSignature(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes($"v0:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Discord.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
