using System.Text.Json.Nodes;
using ImproveBot.Slack.Api;
using ImproveBot.Testing.FakeSlack;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>Each Web API method against the fake: what goes on the wire, what comes back, how errors surface.</summary>
public sealed class SlackApiClientTests
{
    [Fact]
    public async Task AuthTest_returns_the_bot_identity()
    {
        await using var kit = await SlackApiTestKit.StartAsync();

        var identity = await kit.Api.AuthTestAsync(CancellationToken.None);

        Assert.Equal(new SlackIdentity(kit.Slack.BotUserId, kit.Slack.BotId, kit.Slack.TeamId, kit.Slack.TeamName), identity);
        var call = Assert.Single(kit.Slack.Calls);
        Assert.True(call.HadAuthorizationHeader);
        Assert.Null(call.Error);
    }

    [Fact]
    public async Task OpenDirectMessage_returns_one_stable_dm_channel_per_user()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AddUser(new FakeSlackUser("U1", "ada", "Europe/Berlin")).AddUser(new FakeSlackUser("U2", "bob", "UTC"));

        var first = await kit.Api.OpenDirectMessageAsync("U1", CancellationToken.None);
        var again = await kit.Api.OpenDirectMessageAsync("U1", CancellationToken.None);
        var other = await kit.Api.OpenDirectMessageAsync("U2", CancellationToken.None);

        Assert.StartsWith("D", first, StringComparison.Ordinal);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal("U1", kit.Slack.UserOfDirectMessage(first));
    }

    [Fact]
    public async Task OpenDirectMessage_to_an_unknown_user_throws_user_not_found()
    {
        await using var kit = await SlackApiTestKit.StartAsync();

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.OpenDirectMessageAsync("U404", CancellationToken.None));

        Assert.Equal("user_not_found", ex.Error);
        Assert.Equal(SlackMethods.ConversationsOpen, ex.Method);
    }

    [Fact]
    public async Task PostMessage_sends_channel_text_blocks_thread_and_metadata_as_utf8_json()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AddUser(new FakeSlackUser("U1", "ada", "UTC"));
        var dm = await kit.Api.OpenDirectMessageAsync("U1", CancellationToken.None);
        var blocks = new JsonArray(new JsonObject
        {
            ["type"] = "section",
            ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "Hello &amp; &lt;world&gt; 🌊" },
        });
        var metadata = new JsonObject { ["event_type"] = "improvebot_outbox", ["event_payload"] = new JsonObject { ["key"] = "prompt:1:2" } };

        var ts = await kit.Api.PostMessageAsync(dm, "Hello &amp; &lt;world&gt; 🌊", blocks, "1700000000.000100", metadata, CancellationToken.None);

        var posted = Assert.Single(kit.Slack.PostedMessages);
        Assert.Equal(ts, posted.Ts);
        Assert.Equal(dm, posted.Channel);
        Assert.Equal("Hello &amp; &lt;world&gt; 🌊", posted.Text);
        Assert.Equal("1700000000.000100", posted.ThreadTs);
        Assert.Equal("Hello &amp; &lt;world&gt; 🌊", posted.Blocks![0]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("prompt:1:2", posted.Metadata!["event_payload"]!["key"]!.GetValue<string>());
        var call = kit.Slack.Calls.Last();
        Assert.Equal("application/json; charset=utf-8", call.ContentType);
        // The caller's nodes are written, not adopted: the outbox can send the same content again.
        Assert.Null(blocks.Parent);
        Assert.Null(metadata.Parent);
        await kit.Api.PostMessageAsync(dm, "again", blocks, null, metadata, CancellationToken.None);
        Assert.Equal(2, kit.Slack.PostedMessages.Count);
    }

    [Fact]
    public async Task PostMessage_to_an_unknown_channel_throws_channel_not_found()
    {
        await using var kit = await SlackApiTestKit.StartAsync();

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.PostMessageAsync("C404", "hi", null, null, null, CancellationToken.None));

        Assert.Equal("channel_not_found", ex.Error);
        Assert.False(ex.IsTransient);
        Assert.Empty(kit.Slack.PostedMessages);
    }

    [Fact]
    public async Task PostMessage_over_the_block_kit_limits_throws_invalid_blocks_with_slacks_messages()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AddChannel("C1");
        var tooMany = new JsonArray(Enumerable.Range(0, 51).Select(_ => (JsonNode?)new JsonObject { ["type"] = "divider" }).ToArray());
        var tooLong = new JsonArray(new JsonObject
        {
            ["type"] = "section",
            ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = new string('x', 3001) },
        });

        var many = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.PostMessageAsync("C1", "fallback", tooMany, null, null, CancellationToken.None));
        var longText = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.PostMessageAsync("C1", "fallback", tooLong, null, null, CancellationToken.None));

        Assert.Equal("invalid_blocks", many.Error);
        Assert.Equal("invalid_blocks", longText.Error);
        Assert.Contains("/blocks/0/text/text", longText.Message, StringComparison.Ordinal);
        Assert.Empty(kit.Slack.PostedMessages);
    }

    [Fact]
    public async Task GetUser_maps_display_name_time_zone_and_admin_flags()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AddUser(new FakeSlackUser("U1", "ada", "Europe/Berlin") { RealName = "Ada Lovelace", DisplayName = "ada.l", IsAdmin = true });
        kit.Slack.AddUser(new FakeSlackUser("U2", "bob", "America/Los_Angeles") { RealName = "Bob Builder", IsOwner = true });
        kit.Slack.AddUser(new FakeSlackUser("U3", "reminderbot", "UTC") { RealName = "", IsBot = true });

        var ada = await kit.Api.GetUserAsync("U1", CancellationToken.None);
        var bob = await kit.Api.GetUserAsync("U2", CancellationToken.None);
        var bot = await kit.Api.GetUserAsync("U3", CancellationToken.None);

        Assert.Equal(new SlackUser("U1", "ada.l", "Europe/Berlin", IsAdmin: true, IsOwner: false, IsBot: false), ada);
        Assert.Equal(new SlackUser("U2", "Bob Builder", "America/Los_Angeles", IsAdmin: false, IsOwner: true, IsBot: false), bob);
        Assert.Equal(new SlackUser("U3", "reminderbot", "UTC", IsAdmin: false, IsOwner: false, IsBot: true), bot);
        // A read method: form arguments, as Slack documents for users.info.
        Assert.StartsWith("application/x-www-form-urlencoded", kit.Slack.Calls.Last().ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUser_with_a_null_time_zone_returns_null_zone()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AddUser(new FakeSlackUser("U1", "ada", TimeZone: null));

        var user = await kit.Api.GetUserAsync("U1", CancellationToken.None);

        Assert.Null(user.TimeZone);
    }

    [Fact]
    public async Task GetUser_maps_the_real_slack_user_object_with_tz_null()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        // The recorded Slackbot user: tz null beside a tz_offset, no display_name, real_name only.
        kit.Slack.AnswerNext(SlackMethods.UsersInfo, new JsonObject { ["ok"] = true, ["user"] = SlackApiTestKit.Fixture("user_object_tz_null.json") });

        var user = await kit.Api.GetUserAsync("USLACKBOT", CancellationToken.None);

        Assert.Equal(new SlackUser("USLACKBOT", "Slack Bot", null, IsAdmin: false, IsOwner: false, IsBot: false), user);
    }

    [Fact]
    public async Task GetUser_for_an_unknown_user_throws_user_not_found()
    {
        await using var kit = await SlackApiTestKit.StartAsync();

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.GetUserAsync("U404", CancellationToken.None));

        Assert.Equal("user_not_found", ex.Error);
    }

    [Fact]
    public async Task OpenView_with_a_fresh_trigger_id_returns_the_view_id()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        var trigger = kit.Slack.MintTriggerId("U1");

        var viewId = await kit.Api.OpenViewAsync(trigger, Modal(), CancellationToken.None);

        var opened = Assert.Single(kit.Slack.OpenedViews);
        Assert.Equal(viewId, opened.ViewId);
        Assert.Equal(trigger, opened.TriggerId);
        Assert.Equal("reflect", opened.View["callback_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenView_with_an_expired_trigger_id_throws_expired_trigger_id()
    {
        var clock = new FakeTimeProvider(SlackApiTestKit.Start);
        await using var kit = await SlackApiTestKit.StartAsync(clock: clock);
        var trigger = kit.Slack.MintTriggerId();
        clock.Advance(TimeSpan.FromSeconds(3.5)); // trigger ids live 3 s

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.OpenViewAsync(trigger, Modal(), CancellationToken.None));

        Assert.Equal("expired_trigger_id", ex.Error);
        Assert.Empty(kit.Slack.OpenedViews);
    }

    [Fact]
    public async Task OpenView_with_a_used_trigger_id_throws_exchanged_trigger_id()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        var trigger = kit.Slack.MintTriggerId();
        await kit.Api.OpenViewAsync(trigger, Modal(), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.OpenViewAsync(trigger, Modal(), CancellationToken.None));

        Assert.Equal("exchanged_trigger_id", ex.Error);
        Assert.Single(kit.Slack.OpenedViews);
    }

    [Fact]
    public async Task OpenView_with_an_unknown_trigger_id_throws_invalid_trigger_id()
    {
        await using var kit = await SlackApiTestKit.StartAsync();

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.OpenViewAsync("111.222.nope", Modal(), CancellationToken.None));

        Assert.Equal("invalid_trigger_id", ex.Error);
    }

    [Fact]
    public async Task OpenSocketConnection_uses_the_app_token_and_returns_a_websocket_url()
    {
        await using var kit = await SlackApiTestKit.StartAsync();

        var url = await kit.Api.OpenSocketConnectionAsync(CancellationToken.None);

        Assert.Equal("ws", url.Scheme);
        Assert.Equal("127.0.0.1", url.Host);
        Assert.Contains("ticket=", url.Query, StringComparison.Ordinal);
        Assert.Null(kit.Slack.Calls.Single(c => c.Method == SlackMethods.AppsConnectionsOpen).Error);
    }

    [Fact]
    public async Task OpenSocketConnection_without_an_app_token_throws_not_authed()
    {
        await using var kit = await SlackApiTestKit.StartAsync(configure: o => o.AppToken = null);

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.OpenSocketConnectionAsync(CancellationToken.None));

        Assert.Equal("not_authed", ex.Error);
    }

    [Fact]
    public async Task A_wrong_bot_token_throws_invalid_auth()
    {
        await using var kit = await SlackApiTestKit.StartAsync(configure: o => o.BotToken = "xoxb-not-the-right-one");

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.AuthTestAsync(CancellationToken.None));

        Assert.Equal("invalid_auth", ex.Error);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task A_missing_bot_token_throws_not_authed()
    {
        await using var kit = await SlackApiTestKit.StartAsync(configure: o => o.BotToken = null);

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.AuthTestAsync(CancellationToken.None));

        Assert.Equal("not_authed", ex.Error);
        Assert.False(kit.Slack.Calls.Single().HadAuthorizationHeader);
    }

    [Fact]
    public async Task An_ok_false_answer_throws_a_typed_exception_with_slacks_code()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        kit.Slack.AnswerNext(SlackMethods.AuthTest, SlackApiTestKit.Fixture("web_api_error.json"));

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.AuthTestAsync(CancellationToken.None));

        Assert.Equal("something_bad", ex.Error);
        Assert.Equal(SlackMethods.AuthTest, ex.Method);
        Assert.IsNotType<SlackRateLimitedException>(ex);
    }

    [Fact]
    public async Task Warnings_on_a_successful_answer_are_logged_at_debug()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        var answer = SlackApiTestKit.Fixture("web_api_warning.json");
        answer["user_id"] = "U0BOT";
        answer["team_id"] = "T0TEAM";
        answer["response_metadata"] = new JsonObject { ["warnings"] = new JsonArray("superfluous_charset") };
        kit.Slack.AnswerNext(SlackMethods.AuthTest, answer);

        var identity = await kit.Api.AuthTestAsync(CancellationToken.None);

        Assert.Equal("U0BOT", identity.UserId);
        var logged = Assert.Single(kit.Logs.Entries, e => e.Text.Contains("something_problematic", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, logged.Level);
        Assert.Contains("superfluous_charset", logged.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Respond_posts_json_to_the_response_url_without_the_bot_token()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        var responseUrl = kit.Slack.MintResponseUrl();

        await kit.Api.RespondAsync(responseUrl, new JsonObject { ["text"] = "Saved idea #12", ["response_type"] = "ephemeral" }, CancellationToken.None);

        var post = Assert.Single(kit.Slack.ResponseUrlPosts);
        Assert.Equal("Saved idea #12", post.Body["text"]!.GetValue<string>());
        Assert.Equal("ephemeral", post.Body["response_type"]!.GetValue<string>());
        Assert.False(post.HadAuthorizationHeader);
    }

    [Fact]
    public async Task Respond_more_than_five_times_throws_used_url()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        var responseUrl = kit.Slack.MintResponseUrl();
        for (var i = 0; i < FakeSlackServer.ResponseUrlMaxUses; i++)
            await kit.Api.RespondAsync(responseUrl, new JsonObject { ["text"] = $"reply {i}" }, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.RespondAsync(responseUrl, new JsonObject { ["text"] = "one too many" }, CancellationToken.None));

        Assert.Equal("used_url", ex.Error);
        Assert.Equal(FakeSlackServer.ResponseUrlMaxUses, kit.Slack.ResponseUrlPosts.Count);
    }

    [Fact]
    public async Task Respond_after_thirty_minutes_throws_expired_url()
    {
        var clock = new FakeTimeProvider(SlackApiTestKit.Start);
        await using var kit = await SlackApiTestKit.StartAsync(clock: clock);
        var responseUrl = kit.Slack.MintResponseUrl();
        clock.Advance(TimeSpan.FromMinutes(31));

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.RespondAsync(responseUrl, new JsonObject { ["text"] = "late" }, CancellationToken.None));

        Assert.Equal("expired_url", ex.Error);
        Assert.Empty(kit.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task Tokens_and_response_urls_never_reach_the_logs()
    {
        var clock = new FakeTimeProvider(SlackApiTestKit.Start);
        await using var kit = await SlackApiTestKit.StartAsync(clock: clock);
        kit.Slack.AddUser(new FakeSlackUser("U1", "ada", "UTC"));
        var responseUrl = kit.Slack.MintResponseUrl();
        kit.Slack.RateLimitNext(SlackMethods.AuthTest, 1, TimeSpan.FromSeconds(1));
        kit.Slack.FailNext(SlackMethods.UsersInfo, 1, 503);
        kit.Slack.RateLimitNext(SlackMethods.ConversationsOpen, 1, TimeSpan.FromMinutes(5));

        await kit.DriveAsync(kit.Api.AuthTestAsync(CancellationToken.None));
        await kit.DriveAsync(kit.Api.GetUserAsync("U1", CancellationToken.None));
        await Assert.ThrowsAsync<SlackRateLimitedException>(() => kit.Api.OpenDirectMessageAsync("U1", CancellationToken.None));
        await kit.Api.OpenSocketConnectionAsync(CancellationToken.None);
        await kit.Api.RespondAsync(responseUrl, new JsonObject { ["text"] = "hi" }, CancellationToken.None);
        await Assert.ThrowsAsync<SlackApiException>(() => kit.Api.PostMessageAsync("C404", "x", null, null, null, CancellationToken.None));

        Assert.NotEmpty(kit.Logs.Entries);
        var secrets = new[] { kit.Slack.BotToken, kit.Slack.AppToken, responseUrl.AbsolutePath };
        Assert.DoesNotContain(kit.Logs.Entries, e => secrets.Any(s => e.Text.Contains(s, StringComparison.Ordinal)));
    }

    private static JsonObject Modal() => new()
    {
        ["type"] = "modal",
        ["callback_id"] = "reflect",
        ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Reflect" },
        ["submit"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Save" },
        ["blocks"] = new JsonArray(new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = "q0",
            ["label"] = new JsonObject { ["type"] = "plain_text", ["text"] = "What slowed you down?" },
            ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "answer", ["multiline"] = true },
        }),
    };
}
