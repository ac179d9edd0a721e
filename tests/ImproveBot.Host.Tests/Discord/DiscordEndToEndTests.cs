using System.Text.Json.Nodes;
using ImproveBot.Core.Ideas;
using ImproveBot.Data;
using ImproveBot.Discord.Commands;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static ImproveBot.Host.Tests.Discord.DiscordTestKit;

namespace ImproveBot.Host.Tests.Discord;

/// <summary>The weekly loop against the fake Discord, over HTTP interactions signed with the application's key.</summary>
public sealed class DiscordEndToEndTests : IAsyncLifetime
{
    private DiscordTestKit _kit = null!;

    public async Task InitializeAsync() => _kit = await DiscordTestKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task RegisterPromptStartModalSubmitIdeaDigest_OverHttp()
    {
        // The register-commands verb, with the running host's services: per server, then globally.
        var output = new StringWriter();
        Assert.Equal(0, await RegisterCommandsVerb.RunAsync(_kit.Host.Services, ["--guild", Guild], output, CancellationToken.None));
        Assert.Equal(0, await RegisterCommandsVerb.RunAsync(_kit.Host.Services, [], output, CancellationToken.None));
        Assert.Equal(["idea", "ideas", "improve"], _kit.Discord.CommandsOf(Guild).Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(["idea", "ideas", "improve"], _kit.Discord.CommandsOf(null).Select(c => c!["name"]!.GetValue<string>()));
        Assert.Contains("Registered 3 commands", output.ToString(), StringComparison.Ordinal);

        var channel = FakeDiscordServer.SubCommandGroup("config", FakeDiscordServer.SubCommand("channel", FakeDiscordServer.Option("channel", 7, DigestChannel)));
        Assert.Contains(DigestChannel, await _kit.SlashAsync(Lead, "improve", [channel]));
        Assert.Contains("No ideas", await _kit.SlashAsync(Ada, "ideas", []));
        Assert.Contains("No ideas", await _kit.SlashAsync(Bob, "ideas", []));
        // The server's name comes from GET /guilds/{id} on first contact; the member's from the interaction.
        Assert.Equal("Fake Server", await _kit.DbAsync(db => db.Teams.Where(t => t.Platform == "discord").Select(t => t.Name).SingleAsync()));
        Assert.Equal("Bobby", await _kit.DbAsync(db => db.Members.Where(m => m.UserId == Bob.Id).Select(m => m.DisplayName).SingleAsync()));

        // The weekly prompt: a DM with the questions and buttons that name the server.
        await _kit.RunPromptAsync();
        var prompt = Assert.Single(_kit.Discord.DirectMessagesTo(Ada.Id));
        Assert.Contains("What is one thing you could do to get better at your research?", prompt.AllText, StringComparison.Ordinal);
        var start = _kit.ButtonInDirectMessage(Ada.Id, "reflect:start:");
        Assert.StartsWith($"{Guild}|", start);
        Assert.Equal(["reflect:start:", "reflect:skip:", "reflect:pause"], prompt.CustomIds.Select(id => id.Split('|')[1].TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')));

        // Start, pressed in the DM (no server in the interaction): the modal opens.
        var modal = await _kit.SendAsync(_kit.Discord.Button(Ada, null, start));
        Assert.Equal(9, modal.Type);
        var submitId = modal.Data!["custom_id"]!.GetValue<string>();
        Assert.StartsWith($"{Guild}|reflect:submit:", submitId);
        Assert.Equal(["q0", "q1", "q2", "ideas"], modal.Data["components"]!.AsArray().Select(c => c!["component"]!["custom_id"]!.GetValue<string>()));

        // A refused submission stores nothing, keeps what was written, and offers the form again, filled in.
        var tooMany = string.Join("\n", Enumerable.Range(1, 21).Select(i => $"idea {i}"));
        var refused = await _kit.SendAsync(_kit.Discord.ModalSubmit(Ada, null, submitId, new Dictionary<string, string> { ["q0"] = "kept text", ["ideas"] = tooMany }));
        Assert.Equal(4, refused.Type);
        Assert.Contains("20 ideas", refused.Data!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await _kit.DbAsync(db => db.Reflections.CountAsync()));
        var again = refused.Data["components"]![0]!["components"]![0]!["custom_id"]!.GetValue<string>();
        var reopened = await _kit.SendAsync(_kit.Discord.Button(Ada, null, again));
        Assert.Equal(9, reopened.Type);
        Assert.Equal("kept text", reopened.Data!["components"]![0]!["component"]!["value"]!.GetValue<string>());

        _kit.Host.Clock.Advance(TimeSpan.FromMinutes(21));
        var submitted = await _kit.SendAsync(_kit.Discord.ModalSubmit(Ada, null, submitId, new Dictionary<string, string>
        {
            ["q0"] = "Write the intro first",
            ["q1"] = "",
            ["q2"] = "Slow cluster queue",
            ["ideas"] = "Draft the intro before the experiments #writing\n@everyone lunch & learn on <@1200000000000000002>'s [tools](https://evil.example) #tools",
        }));
        Assert.Equal(4, submitted.Type);
        Assert.StartsWith("Thank you! Your reflection is saved (21 minutes), with 2 new ideas.", submitted.Data!["content"]!.GetValue<string>());
        var reflection = await _kit.DbAsync(db => db.Reflections.SingleAsync());
        Assert.Equal(TimeSpan.FromMinutes(21), reflection.SubmittedAt - reflection.StartedAt);
        Assert.Equal(["Write the intro first", "", "Slow cluster queue"], reflection.Answers);
        Assert.Equal(2, await _kit.DbAsync(db => db.Ideas.CountAsync(i => i.Source == IdeaSource.Reflection)));

        Assert.StartsWith("Saved idea #3", await _kit.SlashAsync(Bob, "idea", [Text("text", "read with a question first"), Text("tags", "reading")]));
        Assert.Equal(["reading"], await _kit.DbAsync(db => db.Ideas.Where(i => i.Id == 3).Select(i => i.Tags).SingleAsync()));

        await _kit.RunDigestAsync();
        var digest = _kit.Discord.MessagesIn(DigestChannel);
        var text = string.Join("\n", digest.Select(m => m.AllText));
        Assert.Contains("Improvement digest: Fake Server", text, StringComparison.Ordinal);
        Assert.Contains("1 of 3 reflected this week", text, StringComparison.Ordinal); // ada, bob and the lead were prompted
        Assert.Contains("Draft the intro before the experiments — Ada Lovelace", text, StringComparison.Ordinal);
        Assert.Contains("read with a question first — Bobby", text, StringComparison.Ordinal);
        // User text can never ping, mention or link: escaped in the digest, and every message suppresses mentions (the fake insists).
        Assert.Contains("@\u200Beveryone lunch & learn on \\<@1200000000000000002\\>'s \\[tools\\]\\(https://evil\\.example\\)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("@everyone", text, StringComparison.Ordinal);
        Assert.All(digest, m => Assert.Equal("""{"parse":[]}""", m.Body["allowed_mentions"]!.ToJsonString()));
        Assert.Contains(digest[^1].CustomIds, id => id == "idea:vote:3");

        // The digest's +1 button, pressed in the channel, goes through the core like any other platform's.
        var vote = await _kit.SendAsync(_kit.Discord.Button(Ada, Guild, "idea:vote:3"));
        Assert.Equal("+1 for #3 (1 vote).", vote.Data!["content"]!.GetValue<string>());
        Assert.Equal(1, await _kit.DbAsync(db => db.IdeaVotes.CountAsync()));
    }

    [Fact]
    public async Task RepeatedInteractionId_StoresOneIdea()
    {
        var interaction = _kit.Discord.SlashCommand(Ada, Guild, "idea", Text("text", "pair on reviews"));

        var first = await _kit.SendAsync(interaction);
        var replay = await _kit.SendAsync(interaction);

        Assert.StartsWith("Saved idea #1", first.Data!["content"]!.GetValue<string>());
        Assert.Equal(4, replay.Type);
        Assert.StartsWith("Already done", replay.Data!["content"]!.GetValue<string>());
        Assert.Equal(1, await _kit.DbAsync(db => db.Ideas.CountAsync()));
    }

    [Fact]
    public async Task AdminCommands_NeedManageServer_OrTheConfiguredList()
    {
        var reminder = FakeDiscordServer.SubCommandGroup("config", FakeDiscordServer.SubCommand("reminder", Text("after", "2h")));

        Assert.Contains("Only team admins", await _kit.SlashAsync(Ada, "improve", [reminder]));
        Assert.Contains("2 hours", await _kit.SlashAsync(Lead, "improve", [reminder]));

        await using var listed = await DiscordTestKit.StartAsync(settings: new Dictionary<string, string?> { ["Discord:AdminUserIds:0"] = Ada.Id });
        Assert.Contains("2 hours", await listed.SlashAsync(Ada, "improve", [reminder]));
    }

    [Fact]
    public async Task InADm_AKnownMemberActsInTheirServer_AndAStrangerGetsAFriendlyHint()
    {
        Assert.Contains("Saved idea #1", await _kit.SlashAsync(Ada, "idea", [Text("text", "read more")]));

        Assert.Contains("read more", await _kit.SlashAsync(Ada, "ideas", [], inDm: true));
        Assert.Contains("don't know which server", await _kit.SlashAsync(Stranger, "ideas", [], inDm: true));
        var button = await _kit.SendAsync(_kit.Discord.Button(Stranger, null, "reflect:pause"));
        Assert.Contains("don't know which server", button.Data!["content"]!.GetValue<string>());
        Assert.Equal(0, await _kit.DbAsync(db => db.Members.CountAsync(m => m.UserId == Stranger.Id)));
    }

    [Fact]
    public async Task SkipAndPauseButtons_AnswerEphemerallyInTheDm()
    {
        await _kit.SlashAsync(Ada, "ideas", []);
        await _kit.RunPromptAsync();

        var skip = await _kit.SendAsync(_kit.Discord.Button(Ada, null, _kit.ButtonInDirectMessage(Ada.Id, "reflect:skip:")));
        var pause = await _kit.SendAsync(_kit.Discord.Button(Ada, null, _kit.ButtonInDirectMessage(Ada.Id, "reflect:pause")));

        Assert.StartsWith("Skipped this week", skip.Data!["content"]!.GetValue<string>());
        Assert.Equal(64, skip.Data["flags"]!.GetValue<int>());
        Assert.StartsWith("Paused for two weeks", pause.Data!["content"]!.GetValue<string>());
        Assert.NotNull(await _kit.DbAsync(db => db.Members.Where(m => m.UserId == Ada.Id).Select(m => m.PausedUntil).SingleAsync()));
    }

    [Fact]
    public async Task RateLimitedSend_IsRetriedAfterRetryAfter_AndSentOnce()
    {
        await _kit.SlashAsync(Ada, "ideas", []);
        _kit.Discord.RateLimitNext(FakeDiscordRoutes.CreateMessage, 1, TimeSpan.FromSeconds(120));
        await _kit.RunPromptAsync(); // 429 with a long retry_after: back to the outbox, not a busy wait
        Assert.Empty(_kit.Discord.Messages);

        _kit.Host.Clock.Advance(TimeSpan.FromSeconds(121));
        await _kit.Host.InScopeAsync(sp => sp.GetRequiredService<Core.Messaging.OutboxDispatcher>().DispatchDueAsync(default));
        Assert.Single(_kit.Discord.DirectMessagesTo(Ada.Id));
    }
}

/// <summary>A command slower than Discord waits: deferred within the budget, completed through the webhook.</summary>
public sealed class DiscordSlowCommandTests
{
    [Fact]
    public async Task SlowCommand_IsDeferredAndCompletedThroughTheWebhook()
    {
        await using var kit = await DiscordTestKit.StartAsync();
        // The database is busy (another writer holds it) for longer than Discord waits.
        var gate = kit.Host.Services.GetRequiredService<ImproveBot.Data.Stores.SqliteWriteGate>();
        var release = new TaskCompletionSource();
        var holder = gate.WriteAsync(() => release.Task, CancellationToken.None);

        var sending = kit.SendAsync(kit.Discord.SlashCommand(Ada, Guild, "idea", Text("text", "write before reading")));
        // The store is stuck; move the bot's clock past the ack budget until Discord gets its answer.
        for (var i = 0; i < 200 && !sending.IsCompleted; i++)
        {
            kit.Host.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(sending, Task.Delay(20));
        }
        var response = await sending.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(5, response.Type);
        Assert.Equal(64, response.Data!["flags"]!.GetValue<int>());
        Assert.Empty(kit.Discord.WebhookEdits);

        release.SetResult();
        await holder;
        await EventuallyAsync(() => kit.Discord.WebhookEdits.Count == 1, "the deferred answer");
        var edit = kit.Discord.WebhookEdits.Single();
        Assert.StartsWith("Saved idea #1", edit.Body["content"]!.GetValue<string>());
        Assert.False(edit.HadAuthorizationHeader);
        Assert.Equal("""{"parse":[]}""", edit.Body["allowed_mentions"]!.ToJsonString());
        Assert.Equal(1, await kit.DbAsync(db => db.Ideas.CountAsync()));
    }
}
