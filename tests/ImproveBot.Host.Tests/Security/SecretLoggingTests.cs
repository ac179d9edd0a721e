using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Prompts;
using ImproveBot.Discord.Gateway;
using ImproveBot.Host.Tests.Fuzz;
using ImproveBot.Testing.FakeDiscord;
using ImproveBot.Testing.FakeSlack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ImproveBot.Host.Tests.Security;

/// <summary>
/// The whole bot on every transport at once (Slack HTTP and Socket Mode, Discord interactions and Gateway, the admin API),
/// with distinctive secrets and every log category at Trace: nothing it logs may contain a token, a secret, a signature, a
/// per-request credential (interaction token, response_url) or a signed request body.
/// </summary>
public sealed class SecretLoggingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string SlackBotToken = "xoxb-LEAKCHECK-slack-bot-token-93a1c";
    private const string SlackAppToken = "xapp-1-LEAKCHECK-slack-app-token-5be07";
    private const string DiscordBotToken = "LEAKCHECK.discord-bot-token.7d2f9e41";

    private readonly CapturingLoggerProvider _logs = new();
    private FakeDiscordGateway _gateway = null!;
    private FuzzRig _rig = null!;

    public async Task InitializeAsync()
    {
        _gateway = await FakeDiscordGateway.StartAsync(new FakeDiscordGatewayOptions
        {
            BotToken = DiscordBotToken,
            EnabledPrivilegedIntents = 1 << 15,
            HeartbeatInterval = TimeSpan.FromSeconds(5),
        });
        var gatewaySettings = new GatewayClientSettings { BackoffBase = TimeSpan.FromMilliseconds(50), BackoffMax = TimeSpan.FromMilliseconds(500) };
        _rig = await FuzzRig.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft"] = "Trace",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
                ["Slack:AppToken"] = SlackAppToken,
                ["Discord:UseGateway"] = "true",
            },
            services: s =>
            {
                s.AddSingleton<ILoggerProvider>(_logs);
                // A rule for this provider outranks every category rule from configuration: it sees everything at Trace.
                s.AddLogging(b => b.AddFilter<CapturingLoggerProvider>(category: null, LogLevel.Trace));
                s.Replace(ServiceDescriptor.Singleton(gatewaySettings));
            },
            slackOptions: new FakeSlackOptions { BotToken = SlackBotToken, AppToken = SlackAppToken },
            discordOptions: new FakeDiscordOptions { BotToken = DiscordBotToken },
            gatewayUrl: _gateway.Url);
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task EndToEndOnEveryTransport_AtTrace_NeverLogsASecretOrASignedBody()
    {
        var credentials = new List<string> { SlackBotToken, SlackAppToken, DiscordBotToken, FuzzRig.SigningSecret, FuzzRig.AdminToken };

        // Slack over HTTP: a slash command, a button, a DM reply.
        var responseUrl = _rig.Slack.MintResponseUrl();
        credentials.Add(responseUrl.AbsolutePath.Split('/')[^1]);
        var form = $"team_id={_rig.Slack.TeamId}&channel_id=C0SOMEWHERE&user_id={FuzzRig.SlackAda}&user_name=ada&command=%2Fidea"
            + $"&text=LEAKCHECK+body+idea+%23reading&response_url={Uri.EscapeDataString(responseUrl.ToString())}&trigger_id=1.2.3";
        var (status, signature) = await PostSlackAsync("/slack/commands", form, "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.OK, status);
        credentials.Add(signature);
        var lead = $"team_id={_rig.Slack.TeamId}&channel_id=C0SOMEWHERE&user_id={FuzzRig.SlackLead}&user_name=lead&command=%2Fimprove&text=config+channel+C0DIGEST01";
        Assert.Equal(HttpStatusCode.OK, (await PostSlackAsync("/slack/commands", lead, "application/x-www-form-urlencoded")).Status);
        // A button whose answer goes to its response_url, a webhook whose URL is the credential.
        var buttonUrl = _rig.Slack.MintResponseUrl();
        credentials.Add(buttonUrl.AbsolutePath.Split('/')[^1]);
        var button = new JsonObject
        {
            ["type"] = "block_actions", ["user"] = new JsonObject { ["id"] = FuzzRig.SlackAda, ["team_id"] = _rig.Slack.TeamId },
            ["team"] = new JsonObject { ["id"] = _rig.Slack.TeamId }, ["api_app_id"] = _rig.Slack.AppId, ["response_url"] = buttonUrl.ToString(),
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "idea:vote:1", ["block_id"] = "b", ["type"] = "button", ["value"] = "v" }),
        };
        Assert.Equal(HttpStatusCode.OK, (await PostSlackAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(button.ToJsonString()),
            "application/x-www-form-urlencoded")).Status);
        var dm = new JsonObject
        {
            ["team_id"] = _rig.Slack.TeamId, ["api_app_id"] = _rig.Slack.AppId, ["type"] = "event_callback", ["event_id"] = "EvLEAKCHECK1",
            ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = "D0SOMEDM01", ["user"] = FuzzRig.SlackAda, ["text"] = "a DM reply", ["ts"] = "1.2" },
        }.ToJsonString();
        Assert.Equal(HttpStatusCode.OK, (await PostSlackAsync("/slack/events", dm, "application/json")).Status);

        // Slack over Socket Mode.
        await _rig.Slack.WaitForConnectionsAsync(1, TimeSpan.FromSeconds(20));
        var ack = await _rig.Slack.SendEnvelopeAsync("slash_commands",
            new JsonObject
            {
                ["team_id"] = _rig.Slack.TeamId, ["channel_id"] = "C0SOMEWHERE", ["user_id"] = FuzzRig.SlackBob, ["user_name"] = "bob",
                ["command"] = "/idea", ["text"] = "socket idea", ["response_url"] = _rig.Slack.MintResponseUrl().ToString(), ["trigger_id"] = "1.2.3",
            }, acceptsResponsePayload: true);
        Assert.StartsWith("Saved idea #", ack.Payload!["text"]!.GetValue<string>());

        // Discord interactions over HTTP, and the Gateway (whose IDENTIFY carries the bot token).
        var interaction = _rig.Discord.SlashCommand(FuzzRig.DiscordAda, FuzzRig.Guild, "idea", FakeDiscordServer.Option("text", 3, "discord LEAKCHECK idea"));
        credentials.Add(interaction["token"]!.GetValue<string>());
        var signedBody = interaction.ToJsonString();
        var answer = await _rig.Discord.SendInteractionAsync(_rig.Host.Http, interaction, _rig.Host.Clock.GetUtcNow());
        Assert.StartsWith("Saved idea #", answer.Data!["content"]!.GetValue<string>());
        await _gateway.WaitForAsync(() => _gateway.Identifies.Count >= 1, "the Gateway IDENTIFY", TimeSpan.FromSeconds(20));

        // Outgoing calls with the bot tokens: prompts on both platforms, the Slack digest.
        await _rig.Host.InScopeAsync(async sp =>
        {
            var directory = sp.GetRequiredService<IMemberDirectory>();
            foreach (var (platform, tenant) in new[] { ("slack", _rig.Slack.TeamId), ("discord", FuzzRig.Guild) })
                await sp.GetRequiredService<WeeklyPromptService>().PromptTeamNowAsync((await directory.FindTeamAsync(platform, tenant, default))!.Id, default);
            await sp.GetRequiredService<Core.Digest.DigestService>().PostNowAsync((await directory.FindTeamAsync("slack", _rig.Slack.TeamId, default))!.Id, default);
            await sp.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(default);
        });
        Assert.NotEmpty(_rig.Slack.MessagesIn("C0DIGEST01"));
        Assert.NotEmpty(_rig.Discord.DirectMessagesTo(FuzzRig.DiscordAda.Id));

        // The admin API, with its token, and a refused attempt with a near miss.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/ideas"))
        {
            request.Headers.Add("Authorization", "Bearer " + FuzzRig.AdminToken);
            Assert.Equal(HttpStatusCode.OK, (await _rig.Host.Http.SendAsync(request)).StatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/ideas"))
        {
            request.Headers.Add("Authorization", "Bearer " + FuzzRig.AdminToken + "-LEAKCHECKWRONG");
            Assert.Equal(HttpStatusCode.Unauthorized, (await _rig.Host.Http.SendAsync(request)).StatusCode);
        }
        credentials.Add("LEAKCHECKWRONG");

        var entries = _logs.Entries;
        output.WriteLine($"{entries.Count} log entries captured; by level: "
            + string.Join(", ", entries.GroupBy(e => e.Level).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        // The capture is real: low levels and the framework's own categories are in it.
        Assert.Contains(entries, e => e.Level <= LogLevel.Debug);
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level == LogLevel.Trace);
        Assert.Contains(entries, e => e.Category.StartsWith("ImproveBot", StringComparison.Ordinal));

        var leaks = new List<string>();
        foreach (var entry in entries)
        {
            foreach (var secret in credentials.Where(c => entry.Text.Contains(c, StringComparison.Ordinal)))
                leaks.Add($"{entry.Category} [{entry.Level}] contains {secret[..Math.Min(12, secret.Length)]}…: {Short(entry.Text)}");
            // Signed request bodies (and their distinctive text) never reach the log.
            if (entry.Text.Contains(form, StringComparison.Ordinal) || entry.Text.Contains(signedBody, StringComparison.Ordinal)
                || entry.Text.Contains("LEAKCHECK", StringComparison.Ordinal))
                leaks.Add($"{entry.Category} [{entry.Level}] contains request content: {Short(entry.Text)}");
        }
        Assert.True(leaks.Count == 0, $"{leaks.Count} log entries leak:\n" + string.Join("\n", leaks.Distinct().Take(20)));
    }

    private async Task<(HttpStatusCode Status, string Signature)> PostSlackAsync(string path, string body, string contentType)
    {
        var timestamp = FuzzRig.Seconds(_rig.Now);
        var signature = FuzzRig.SlackSignature(FuzzRig.SigningSecret, timestamp, Encoding.UTF8.GetBytes(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        using var response = await _rig.Host.Http.SendAsync(request);
        return (response.StatusCode, signature);
    }

    private static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
