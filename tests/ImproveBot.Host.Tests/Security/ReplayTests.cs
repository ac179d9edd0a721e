using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Data;
using ImproveBot.Host.Tests.Fuzz;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Security;

/// <summary>
/// A captured, correctly signed request sent again: inside the signature window a Slack event or a Discord interaction is
/// handled once (by its id), and once the window has passed every platform refuses it with a 401.
/// </summary>
/// <remarks>Slack slash commands carry no id, so inside the 5-minute window only the timestamp bounds a replay (Slack's design).</remarks>
public sealed class ReplayTests : IAsyncLifetime
{
    private FuzzRig _rig = null!;

    public async Task InitializeAsync() => _rig = await FuzzRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<int> IdeasAsync() => _rig.Host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Ideas.CountAsync());

    private HttpRequestMessage SlackRequest(string path, byte[] body, string contentType, string timestamp, string signature)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        return request;
    }

    [Fact]
    public async Task SlackSlashCommand_ReplayedAfterTheWindow_Is401_AndStoresNothing()
    {
        var body = Encoding.UTF8.GetBytes($"team_id={_rig.Slack.TeamId}&channel_id=C1&user_id={FuzzRig.SlackAda}&command=%2Fidea&text=replay+me");
        var timestamp = FuzzRig.Seconds(_rig.Now);
        var signature = FuzzRig.SlackSignature(FuzzRig.SigningSecret, timestamp, body);
        using (var first = await _rig.Host.Http.SendAsync(SlackRequest("/slack/commands", body, "application/x-www-form-urlencoded", timestamp, signature)))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, await IdeasAsync());

        _rig.Host.Clock.Advance(TimeSpan.FromSeconds(301));
        using var replay = await _rig.Host.Http.SendAsync(SlackRequest("/slack/commands", body, "application/x-www-form-urlencoded", timestamp, signature));
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(1, await IdeasAsync());
    }

    [Fact]
    public async Task SlackEvent_ReplayedInsideTheWindow_IsHandledOnce_AndAfterItIs401()
    {
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["team_id"] = _rig.Slack.TeamId, ["api_app_id"] = _rig.Slack.AppId, ["type"] = "event_callback", ["event_id"] = "EvREPLAY01",
            ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = "D0SOMEDM01", ["user"] = FuzzRig.SlackAda, ["text"] = "hello", ["ts"] = "1.2" },
        }.ToJsonString());
        var timestamp = FuzzRig.Seconds(_rig.Now);
        var signature = FuzzRig.SlackSignature(FuzzRig.SigningSecret, timestamp, body);
        for (var i = 0; i < 3; i++)
        {
            using var response = await _rig.Host.Http.SendAsync(SlackRequest("/slack/events", body, "application/json", timestamp, signature));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The bot answered the DM once, not three times.
        Assert.Single(_rig.Slack.MessagesIn(_rig.Slack.DirectMessageChannels[FuzzRig.SlackAda]));

        _rig.Host.Clock.Advance(TimeSpan.FromSeconds(301));
        using var late = await _rig.Host.Http.SendAsync(SlackRequest("/slack/events", body, "application/json", timestamp, signature));
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
    }

    [Fact]
    public async Task DiscordInteraction_ReplayedInsideTheWindow_IsAlreadyDone_AndAfterItIs401()
    {
        var interaction = _rig.Discord.SlashCommand(FuzzRig.DiscordAda, FuzzRig.Guild, "idea", FakeDiscordServer.Option("text", 3, "replay me"));
        var body = Encoding.UTF8.GetBytes(interaction.ToJsonString());
        var at = _rig.Host.Clock.GetUtcNow();
        using (var first = await _rig.Host.Http.SendAsync(_rig.Discord.Signer.CreateRequest("/discord/interactions", body, at)))
            Assert.Contains("Saved idea #1", await first.Content.ReadAsStringAsync());
        using (var again = await _rig.Host.Http.SendAsync(_rig.Discord.Signer.CreateRequest("/discord/interactions", body, at)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Contains("Already done", await again.Content.ReadAsStringAsync());
        }
        Assert.Equal(1, await IdeasAsync());

        _rig.Host.Clock.Advance(TimeSpan.FromSeconds(301));
        using var late = await _rig.Host.Http.SendAsync(_rig.Discord.Signer.CreateRequest("/discord/interactions", body, at));
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.Equal(1, await IdeasAsync());
    }
}
