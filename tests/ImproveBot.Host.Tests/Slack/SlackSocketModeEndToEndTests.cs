using System.Text.Json.Nodes;
using ImproveBot.Data;
using ImproveBot.Slack.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Slack;

/// <summary>The same loop over Socket Mode: envelopes in, acks by envelope id out, the same handlers behind both.</summary>
public sealed class SlackSocketModeEndToEndTests : IAsyncLifetime
{
    private SlackTestKit _kit = null!;

    public async Task InitializeAsync()
    {
        // apps.connections.open is tier 1 (1/min); the test reconnects sooner than that.
        var policy = new SlackApiPolicy
        {
            MethodLimits = new Dictionary<string, SlackRateLimit>(SlackApiPolicy.DefaultMethodLimits)
            {
                [SlackMethods.AppsConnectionsOpen] = SlackRateLimit.PerMinute(100),
            },
        };
        _kit = await SlackTestKit.StartAsync(socketMode: true, services => services.AddSingleton(policy));
        await _kit.Slack.WaitForConnectionsAsync(1, TimeSpan.FromSeconds(20));
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<T> DbAsync<T>(Func<ImproveBotDbContext, Task<T>> query) =>
        _kit.Host.InScopeAsync(sp => query(sp.GetRequiredService<ImproveBotDbContext>()));

    private async Task<string> SlashAsync(string userId, string name, string command, string text)
    {
        var ack = await _kit.Slack.SendEnvelopeAsync("slash_commands",
            SlackTestKit.SlashCommandObject(_kit.Slack.TeamId, userId, name, command, text), acceptsResponsePayload: true);
        Assert.True(ack.OnSameSocket);
        return ack.Payload!["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task PromptButtonModalSubmissionIdeaDigest_OverSocketMode()
    {
        Assert.Contains("C0DIGEST01", await SlashAsync(SlackTestKit.Lead, "lead", "/improve", "config channel C0DIGEST01"));
        await SlashAsync(SlackTestKit.Ada, "ada", "/ideas", "");
        await _kit.RunPromptAsync();

        var start = _kit.ButtonInDirectMessage(SlackTestKit.Ada, "reflect:start:");
        var clicked = await _kit.Slack.SendEnvelopeAsync("interactive",
            _kit.BlockAction(SlackTestKit.Ada, start, _kit.Slack.MintTriggerId(SlackTestKit.Ada)), acceptsResponsePayload: false);
        Assert.Null(clicked.Payload);
        var callback = Assert.Single(_kit.Slack.OpenedViews).View["callback_id"]!.GetValue<string>();

        var submitted = await _kit.Slack.SendEnvelopeAsync("interactive", _kit.ViewSubmission(SlackTestKit.Ada, callback,
            new Dictionary<string, string> { ["q0"] = "Less context switching", ["ideas"] = "Batch email twice a day #focus" }),
            acceptsResponsePayload: true);
        Assert.Null(submitted.Payload); // an empty ack closes the modal
        Assert.Equal(1, await DbAsync(db => db.Reflections.CountAsync()));

        Assert.StartsWith("Saved idea #2", await SlashAsync(SlackTestKit.Ada, "ada", "/idea", "keep a decision log #tools"));

        await _kit.RunDigestAsync();
        var digest = string.Join("\n", _kit.Slack.MessagesIn(SlackTestKit.DigestChannel).Select(m => m.Text + m.Blocks!.ToJsonString()));
        Assert.Contains("Batch email twice a day", digest);
        Assert.Contains("keep a decision log", digest);
    }

    [Fact]
    public async Task RedeliveredEvent_IsStoredOnce_AndBothDeliveriesAreAcked()
    {
        await SlashAsync(SlackTestKit.Bob, "bob", "/ideas", "");
        await _kit.RunPromptAsync();
        var reply = _kit.DirectMessageEvent("Ev0SOCK001", SlackTestKit.Bob, "Fewer meetings");
        var first = await _kit.Slack.SendEnvelopeAsync("events_api", reply, acceptsResponsePayload: false);
        // Slack delivers the same event again (a lost ack): a new envelope, the same event id.
        var again = await _kit.Slack.SendEnvelopeAsync("events_api", reply.DeepClone().AsObject(), acceptsResponsePayload: false);

        Assert.NotEqual(first.EnvelopeId, again.EnvelopeId);
        Assert.Equal(1, await DbAsync(db => db.Reflections.CountAsync()));
        var thanks = _kit.Slack.MessagesIn(_kit.Slack.DirectMessageChannels[SlackTestKit.Bob]).Count(m => m.Text.Contains("Thank you"));
        Assert.Equal(1, thanks);
    }

    [Fact]
    public async Task DroppedConnection_IsReopened_AndKeepsServing()
    {
        await _kit.Slack.DropConnectionsAsync();
        // The reconnect backoff runs on the bot's clock: move it along until the new connection is up (bounded).
        for (var i = 0; i < 200 && _kit.Slack.LiveConnectionCount == 0; i++)
        {
            _kit.Host.Clock.Advance(TimeSpan.FromMinutes(3));
            await Task.Delay(50);
        }
        await _kit.Slack.WaitForConnectionsAsync(1, TimeSpan.FromSeconds(10));
        Assert.True(_kit.Slack.ConnectionsOpened >= 2);
        Assert.StartsWith("Saved idea #1", await SlashAsync(SlackTestKit.Ada, "ada", "/idea", "write every morning #writing"));
    }

    [Fact]
    public async Task DisconnectFrame_OpensANewConnection()
    {
        var before = _kit.Slack.ConnectionsOpened;
        await _kit.Slack.SendDisconnectAsync("refresh_requested");
        for (var i = 0; i < 200 && _kit.Slack.ConnectionsOpened == before; i++) await Task.Delay(50);
        await _kit.Slack.WaitForConnectionsAsync(1, TimeSpan.FromSeconds(30));
        Assert.True(_kit.Slack.ConnectionsOpened > before);
    }
}
