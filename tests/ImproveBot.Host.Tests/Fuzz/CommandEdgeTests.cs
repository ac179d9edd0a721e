using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Data;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Fuzz;

/// <summary>
/// Command text at the edges gets a helpful hint that only the sender sees, on every platform alike, and stores nothing:
/// empty, only tags, one character too long, an unknown subcommand, a bad time zone, a pause that ends in the past or too far
/// ahead (dates whose start of day a <see cref="DateTimeOffset"/> cannot even hold once crashed the bot with a 500).
/// </summary>
public sealed class CommandEdgeTests : IAsyncLifetime
{
    private FuzzRig _rig = null!;

    public async Task InitializeAsync() => _rig = await FuzzRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    public static TheoryData<string, string, string> Edges => new()
    {
        { "/idea", "", "What's your idea?" },
        { "/idea", "   \u200B\u202E  ", "What's your idea?" },
        { "/idea", "#reading #papers", "I only see tags" },
        { "/idea", new string('a', 2001), "at most 2,000 characters; yours has 2,001" },
        { "/idea", new string('a', 100_000), "at most 2,000 characters; yours has 100,000" },
        { "/improve", "frobnicate", "I don't know `/improve frobnicate`" },
        { "/improve", "tz Mars/Olympus_Mons", "I don't know the time zone `Mars/Olympus_Mons`" },
        { "/improve", "tz Europe/Berln", "Did you mean `Europe/Berlin`?" },
        { "/improve", "pause until 2020-01-01", "2020-01-01 is not in the future (today is 2026-11-25 for you)" },
        { "/improve", "pause until 2026-11-25", "2026-11-25 is not in the future" },
        { "/improve", "pause until 0001-01-01", "0001-01-01 is not in the future" },
        { "/improve", "pause until 9999-12-31", "9999-12-31 is too far ahead: A pause can be 1 day to 52 weeks" },
        { "/improve", "pause until 2027-11-25", "too far ahead" },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public async Task EdgeInput_GetsTheSameEphemeralHint_OnSlackDiscordAndThePlayground_AndStoresNothing(string command, string text, string hint)
    {
        // Slack: a signed slash command; the answer is ephemeral.
        var form = $"team_id={_rig.Slack.TeamId}&channel_id=C0SOMEWHERE&user_id={FuzzRig.SlackAda}&user_name=ada"
            + $"&command={Uri.EscapeDataString(command)}&text={Uri.EscapeDataString(text)}&trigger_id=1.2.3";
        var timestamp = FuzzRig.Seconds(_rig.Now);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands")
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", FuzzRig.SlackSignature(FuzzRig.SigningSecret, timestamp, Encoding.UTF8.GetBytes(form)));
        using var slack = await _rig.Host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, slack.StatusCode);
        var slackJson = await slack.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ephemeral", slackJson.GetProperty("response_type").GetString());
        Assert.Contains(hint, slackJson.GetProperty("text").GetString());

        // Discord: the same line as Discord's options deliver it; flag 64 (ephemeral), no pings.
        var discordAnswer = await _rig.Discord.SendInteractionAsync(_rig.Host.Http, DiscordInteraction(command, text), _rig.Host.Clock.GetUtcNow());
        Assert.Equal(200, discordAnswer.HttpStatus);
        Assert.Equal(64, discordAnswer.Data!["flags"]!.GetValue<int>());
        Assert.Equal("""{"parse":[]}""", discordAnswer.Data["allowed_mentions"]!.ToJsonString());
        // Discord only sends subcommands the bot registered; an unknown one is dropped and the bare command gets its hint.
        Assert.Contains(text == "frobnicate" ? "/improve" : hint, discordAnswer.Data["content"]!.GetValue<string>());

        // The playground.
        var local = await _rig.Host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = $"{command} {text}" });
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Contains(hint, (await local.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());

        var (ideas, paused) = await _rig.Host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            return (await db.Ideas.CountAsync(), await db.Members.CountAsync(m => m.PausedUntil != null));
        });
        Assert.Equal(0, ideas);
        Assert.Equal(0, paused);
    }

    private JsonObject DiscordInteraction(string command, string text)
    {
        if (command == "/idea") return _rig.Discord.SlashCommand(FuzzRig.DiscordAda, FuzzRig.Guild, "idea", FakeDiscordServer.Option("text", 3, text));
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var (sub, rest) = space < 0 ? (text, "") : (text[..space], text[(space + 1)..]);
        var option = sub switch { "tz" => "zone", "pause" => "for", _ => "value" };
        return _rig.Discord.SlashCommand(FuzzRig.DiscordAda, FuzzRig.Guild, "improve",
            FakeDiscordServer.SubCommand(sub, FakeDiscordServer.Option(option, 3, rest)));
    }
}
