using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Core.Ideas;
using ImproveBot.Data;
using ImproveBot.Slack.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Slack;

/// <summary>The weekly loop against the fake Slack, over HTTP with signed requests.</summary>
public sealed class SlackHttpEndToEndTests : IAsyncLifetime
{
    private SlackTestKit _kit = null!;

    public async Task InitializeAsync() => _kit = await SlackTestKit.StartAsync(socketMode: false);

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private async Task<string> SlashAsync(string userId, string userName, string command, string text)
    {
        var response = await _kit.PostSignedAsync("/slack/commands",
            SlackTestKit.SlashCommandForm(_kit.Slack.TeamId, userId, userName, command, text), "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ephemeral", json.GetProperty("response_type").GetString());
        return json.GetProperty("text").GetString()!;
    }

    private async Task<HttpResponseMessage> InteractAsync(JsonObject payload) =>
        await _kit.PostSignedAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), "application/x-www-form-urlencoded");

    private Task<T> DbAsync<T>(Func<ImproveBotDbContext, Task<T>> query) =>
        _kit.Host.InScopeAsync(sp => query(sp.GetRequiredService<ImproveBotDbContext>()));

    [Fact]
    public async Task PromptButtonModalSubmissionIdeaDigest_OverHttp()
    {
        Assert.Contains("C0DIGEST01", await SlashAsync(SlackTestKit.Lead, "lead", "/improve", "config channel <#C0DIGEST01|digests>"));
        Assert.Contains("No ideas", await SlashAsync(SlackTestKit.Ada, "ada", "/ideas", ""));
        Assert.Contains("No ideas", await SlashAsync(SlackTestKit.Bob, "bob", "/ideas", ""));
        // Time zones come from the Slack profile on first contact.
        var zones = await DbAsync(db => db.Members.Where(m => m.Platform == "slack").ToDictionaryAsync(m => m.UserId, m => m.TimeZone));
        Assert.Equal("Europe/Berlin", zones[SlackTestKit.Ada]);
        Assert.Equal("America/New_York", zones[SlackTestKit.Bob]);

        await _kit.RunPromptAsync();
        var start = _kit.ButtonInDirectMessage(SlackTestKit.Ada, "reflect:start:");
        var prompt = _kit.Slack.MessagesIn(_kit.Slack.DirectMessageChannels[SlackTestKit.Ada]).Single();
        Assert.Contains("What is one thing you could do to get better at your research?", prompt.Blocks!.ToJsonString());
        Assert.Equal("improvebot_outbox", prompt.Metadata!["event_type"]!.GetValue<string>());

        // Start → the modal opens with the trigger id of the click.
        var trigger = _kit.Slack.MintTriggerId(SlackTestKit.Ada);
        Assert.Equal(HttpStatusCode.OK, (await InteractAsync(_kit.BlockAction(SlackTestKit.Ada, start, trigger))).StatusCode);
        var view = Assert.Single(_kit.Slack.OpenedViews).View;
        var callback = view["callback_id"]!.GetValue<string>();
        Assert.StartsWith("reflect:submit:", callback);

        // An invalid submission is answered with errors on the field, and nothing is stored.
        var invalid = await InteractAsync(_kit.ViewSubmission(SlackTestKit.Ada, callback,
            new Dictionary<string, string> { ["q0"] = "x", ["ideas"] = new string('a', 2001) }));
        var errors = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("errors", errors.GetProperty("response_action").GetString());
        Assert.True(errors.GetProperty("errors").TryGetProperty("ideas", out _));
        Assert.Equal(0, await DbAsync(db => db.Reflections.CountAsync()));

        _kit.Host.Clock.Advance(TimeSpan.FromMinutes(21));
        var submitted = await InteractAsync(_kit.ViewSubmission(SlackTestKit.Ada, callback, new Dictionary<string, string>
        {
            ["q0"] = "Write the intro first",
            ["q1"] = "",
            ["q2"] = "Slow cluster queue",
            ["ideas"] = "Draft the intro before the experiments #writing\n<!channel> lunch & learn on <@U0BOB00001>'s tools #tools",
        }));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(0, submitted.Content.Headers.ContentLength ?? 0); // an empty 200 closes the modal
        var reflection = await DbAsync(db => db.Reflections.SingleAsync());
        Assert.Equal(TimeSpan.FromMinutes(21), reflection.SubmittedAt - reflection.StartedAt);
        Assert.Equal(2, await DbAsync(db => db.Ideas.CountAsync(i => i.Source == IdeaSource.Reflection)));

        Assert.StartsWith("Saved idea #3", await SlashAsync(SlackTestKit.Bob, "bob", "/idea", "read with a question first #reading"));

        await _kit.RunDigestAsync();
        var digest = _kit.Slack.MessagesIn(SlackTestKit.DigestChannel);
        var readable = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var blocks = string.Join("\n", digest.Select(m => m.Blocks!.ToJsonString(readable)));
        Assert.Contains("Draft the intro before the experiments", blocks);
        Assert.Contains("read with a question first", blocks);
        Assert.Contains("1 of 3 reflected this week", blocks); // ada, bob and the lead were prompted
        Assert.Contains("Improvement digest: Fake Workspace", blocks); // the workspace's name, from auth.test
        // User text can never become a broadcast, a mention or a link.
        Assert.Contains("&lt;!channel&gt;", blocks);
        Assert.DoesNotContain("<!channel>", blocks);
        Assert.DoesNotContain("<@U0BOB00001>", blocks);
        Assert.DoesNotContain("<!channel>", string.Join("\n", digest.Select(m => m.Text)));
    }

    [Fact]
    public async Task SlowCommand_IsAcknowledgedInTime_AndAnsweredThroughResponseUrlOnceStored()
    {
        Assert.StartsWith("Saved idea #1", await SlashAsync(SlackTestKit.Ada, "ada", "/idea", "a first idea, so the member exists"));

        // The database is busy (another writer holds it) for longer than Slack waits.
        var gate = _kit.Host.Services.GetRequiredService<ImproveBot.Data.Stores.SqliteWriteGate>();
        var release = new TaskCompletionSource();
        var holder = gate.WriteAsync(() => release.Task, CancellationToken.None);
        var responseUrl = _kit.Slack.MintResponseUrl();
        var pending = _kit.PostSignedAsync("/slack/commands", SlackTestKit.SlashCommandForm(_kit.Slack.TeamId, SlackTestKit.Ada, "ada", "/idea",
            "timebox literature searches #reading", responseUrl: responseUrl.ToString()), "application/x-www-form-urlencoded");

        // The bot's ack budget runs on its clock: move it on until the ack comes (bounded).
        for (var i = 0; i < 200 && !pending.IsCompleted; i++)
        {
            _kit.Host.Clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(pending, Task.Delay(50));
        }
        var ack = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var ackJson = await ack.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ephemeral", ackJson.GetProperty("response_type").GetString());
        Assert.Contains("Working on it", ackJson.GetProperty("text").GetString());
        Assert.Empty(_kit.Slack.ResponseUrlPosts); // nothing claimed before the idea is stored

        release.SetResult();
        await holder;
        for (var i = 0; i < 200 && _kit.Slack.ResponseUrlPosts.Count == 0; i++) await Task.Delay(50);
        var post = Assert.Single(_kit.Slack.ResponseUrlPosts);
        Assert.False(post.HadAuthorizationHeader); // the URL is the credential; the bot token never goes there
        Assert.Equal("ephemeral", post.Body["response_type"]!.GetValue<string>());
        Assert.StartsWith("Saved idea #2", post.Body["text"]!.GetValue<string>());
        Assert.Equal("timebox literature searches", await DbAsync(db => db.Ideas.Where(i => i.Id == 2).Select(i => i.Text).SingleAsync())); // the tag is stored apart
    }

    [Fact]
    public async Task PlainDmReply_RetriedBySlack_IsStoredOnce()
    {
        await SlashAsync(SlackTestKit.Bob, "bob", "/ideas", "");
        await _kit.RunPromptAsync();
        var body = _kit.DirectMessageEvent("Ev0BOB0001", SlackTestKit.Bob, "More focus time &amp; fewer meetings").ToJsonString();

        var first = await _kit.PostSignedAsync("/slack/events", body, "application/json");
        var retry = await _kit.PostSignedAsync("/slack/events", body, "application/json", retryNum: 1);
        var retryAgain = await _kit.PostSignedAsync("/slack/events", body, "application/json", retryNum: 2);

        Assert.All(new[] { first, retry, retryAgain }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var reflection = await DbAsync(db => db.Reflections.SingleAsync());
        Assert.Equal("More focus time & fewer meetings", reflection.Answers[0]);
        Assert.Null(reflection.StartedAt); // a plain reply has no known duration
        var confirmations = _kit.Slack.MessagesIn(_kit.Slack.DirectMessageChannels[SlackTestKit.Bob]).Count(m => m.Text.Contains("Thank you"));
        Assert.Equal(1, confirmations);
    }

    [Fact]
    public async Task ReminderAndTimeUp_ArriveInThePromptsThread()
    {
        await SlashAsync(SlackTestKit.Ada, "ada", "/ideas", "");
        await _kit.RunPromptAsync();
        var dm = _kit.Slack.DirectMessageChannels[SlackTestKit.Ada];
        var prompt = _kit.Slack.MessagesIn(dm).Single();

        await _kit.Host.InScopeAsync(async sp =>
        {
            var reminders = sp.GetRequiredService<Core.Prompts.ReminderService>();
            await reminders.RemindTeamNowAsync(await _kit.TeamIdAsync(), default);
            await sp.GetRequiredService<Core.Messaging.OutboxDispatcher>().DispatchDueAsync(default);
        });

        var reminder = _kit.Slack.MessagesIn(dm).Last();
        Assert.Contains("reminder", reminder.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(prompt.Ts, reminder.ThreadTs);
    }

    [Fact]
    public async Task BotsOwnMessagesAndEditsAreNotReadAsReplies()
    {
        var own = _kit.DirectMessageEvent("Ev0OWN0001", _kit.Slack.BotUserId, "Hi! Time for your weekly reflection");
        var edited = _kit.DirectMessageEvent("Ev0EDIT001", SlackTestKit.Bob, "changed");
        edited["event"]!["subtype"] = "message_changed";
        await _kit.PostSignedAsync("/slack/events", own.ToJsonString(), "application/json");
        await _kit.PostSignedAsync("/slack/events", edited.ToJsonString(), "application/json");
        Assert.Equal(0, await DbAsync(db => db.Reflections.CountAsync()));
    }

    [Fact]
    public async Task AdminCommands_RefusedForNonAdmins_AllowedForWorkspaceAdmins()
    {
        Assert.Contains("Only team admins", await SlashAsync(SlackTestKit.Ada, "ada", "/improve", "config reminder 2h"));
        Assert.Contains("2 hours", await SlashAsync(SlackTestKit.Lead, "lead", "/improve", "config reminder 2h"));
    }

    [Fact]
    public async Task RateLimitedSend_IsRetriedAfterRetryAfter_AndSentOnce()
    {
        await SlashAsync(SlackTestKit.Ada, "ada", "/ideas", "");
        _kit.Slack.RateLimitNext(SlackMethods.ChatPostMessage, 1, TimeSpan.FromSeconds(120));
        await _kit.RunPromptAsync(); // 429 with a long Retry-After: back to the outbox, not a busy wait
        Assert.Empty(_kit.Slack.PostedMessages);

        _kit.Host.Clock.Advance(TimeSpan.FromSeconds(121));
        await _kit.Host.InScopeAsync(sp => sp.GetRequiredService<Core.Messaging.OutboxDispatcher>().DispatchDueAsync(default));
        Assert.Single(_kit.Slack.PostedMessages);
    }
}
