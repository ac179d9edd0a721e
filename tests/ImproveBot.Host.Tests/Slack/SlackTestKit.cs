using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Prompts;
using ImproveBot.Core.Digest;
using ImproveBot.Testing;
using ImproveBot.Testing.FakeSlack;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Slack;

/// <summary>The bot wired to a fake Slack on 127.0.0.1, with helpers that speak Slack's wire formats.</summary>
internal sealed class SlackTestKit : IAsyncDisposable
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string Ada = "U0ADA00001";
    public const string Bob = "U0BOB00001";
    public const string Lead = "U0LEAD0001";
    public const string DigestChannel = "C0DIGEST01";

    private SlackTestKit(FakeSlackServer slack, BotTestHost host)
    {
        Slack = slack;
        Host = host;
    }

    public FakeSlackServer Slack { get; }
    public BotTestHost Host { get; }

    public static async Task<SlackTestKit> StartAsync(bool socketMode, Action<IServiceCollection>? services = null)
    {
        var slack = await FakeSlackServer.StartAsync();
        slack.AddUser(new FakeSlackUser(Ada, "ada", "Europe/Berlin") { RealName = "Ada Lovelace" })
             .AddUser(new FakeSlackUser(Bob, "bob", "America/New_York"))
             .AddUser(new FakeSlackUser(Lead, "lead", null) { IsAdmin = true })
             .AddChannel(DigestChannel);
        var settings = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = slack.BotToken,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            [socketMode ? "Slack:AppToken" : "Slack:SigningSecret"] = socketMode ? slack.AppToken : SigningSecret,
        };
        var host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), settings, services);
        return new SlackTestKit(slack, host);
    }

    /// <summary>POSTs a body signed as Slack signs it, at the bot's clock.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string path, string body, string contentType, int? retryNum = null)
    {
        var timestamp = Host.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningSecret),
            Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        if (retryNum is { } n) request.Headers.Add("X-Slack-Retry-Num", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Host.Http.SendAsync(request);
    }

    public static string SlashCommandForm(string teamId, string userId, string userName, string command, string text, string? triggerId = null,
        string? responseUrl = null) =>
        string.Join('&', new Dictionary<string, string?>
        {
            ["token"] = "legacy", ["team_id"] = teamId, ["team_domain"] = "fake", ["channel_id"] = "C0SOMEWHERE",
            ["channel_name"] = "general", ["user_id"] = userId, ["user_name"] = userName, ["command"] = command, ["text"] = text,
            ["response_url"] = responseUrl ?? "https://hooks.slack.com/commands/T/1/2", ["trigger_id"] = triggerId ?? "1.2.3", ["api_app_id"] = "A0FAKEAPP1",
        }.Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value ?? "")}"));

    public static JsonObject SlashCommandObject(string teamId, string userId, string userName, string command, string text) => new()
    {
        ["team_id"] = teamId, ["team_domain"] = "fake", ["channel_id"] = "C0SOMEWHERE", ["user_id"] = userId, ["user_name"] = userName,
        ["command"] = command, ["text"] = text, ["response_url"] = "https://hooks.slack.com/commands/T/1/2", ["trigger_id"] = "1.2.3",
        ["api_app_id"] = "A0FAKEAPP1",
    };

    public JsonObject BlockAction(string userId, string actionId, string triggerId) => new()
    {
        ["type"] = "block_actions",
        ["user"] = new JsonObject { ["id"] = userId, ["team_id"] = Slack.TeamId },
        ["team"] = new JsonObject { ["id"] = Slack.TeamId },
        ["api_app_id"] = Slack.AppId,
        ["trigger_id"] = triggerId,
        ["container"] = new JsonObject { ["type"] = "message" },
        ["actions"] = new JsonArray(new JsonObject { ["action_id"] = actionId, ["block_id"] = "b", ["type"] = "button", ["value"] = "v" }),
    };

    public JsonObject ViewSubmission(string userId, string callbackId, IReadOnlyDictionary<string, string> values)
    {
        var state = new JsonObject();
        foreach (var (field, value) in values)
            state[field] = new JsonObject { [field] = new JsonObject { ["type"] = "plain_text_input", ["value"] = value } };
        return new JsonObject
        {
            ["type"] = "view_submission",
            ["user"] = new JsonObject { ["id"] = userId, ["team_id"] = Slack.TeamId },
            ["team"] = new JsonObject { ["id"] = Slack.TeamId },
            ["view"] = new JsonObject { ["id"] = "V1", ["callback_id"] = callbackId, ["state"] = new JsonObject { ["values"] = state } },
        };
    }

    public JsonObject DirectMessageEvent(string eventId, string userId, string text) => new()
    {
        ["token"] = "legacy",
        ["team_id"] = Slack.TeamId,
        ["api_app_id"] = Slack.AppId,
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1700000000,
        ["event"] = new JsonObject
        {
            ["type"] = "message", ["channel_type"] = "im", ["channel"] = "D0SOMEDM01", ["user"] = userId, ["text"] = text, ["ts"] = "1700000000.000100",
        },
    };

    public Task<long> TeamIdAsync() =>
        Host.InScopeAsync(async sp => (await sp.GetRequiredService<IMemberDirectory>().FindTeamAsync("slack", Slack.TeamId, default))!.Id);

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

    /// <summary>The first button with an action id starting with <paramref name="prefix"/> in the messages to a user's DM.</summary>
    public string ButtonInDirectMessage(string userId, string prefix)
    {
        var channel = Slack.DirectMessageChannels[userId];
        foreach (var message in Slack.MessagesIn(channel))
        {
            var json = message.Blocks?.ToJsonString() ?? "";
            var at = json.IndexOf($"\"action_id\":\"{prefix}", StringComparison.Ordinal);
            if (at < 0) continue;
            var start = at + "\"action_id\":\"".Length;
            return json[start..json.IndexOf('"', start)];
        }
        throw new InvalidOperationException($"No button {prefix}* in {userId}'s DM.");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
