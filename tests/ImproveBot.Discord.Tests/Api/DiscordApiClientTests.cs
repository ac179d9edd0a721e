using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImproveBot.Discord.Api;
using ImproveBot.Discord.Commands;
using ImproveBot.Testing.FakeDiscord;

namespace ImproveBot.Discord.Tests.Api;

/// <summary>The REST client against the fake Discord: what it sends, and how Discord's answers come back.</summary>
public sealed class DiscordApiClientTests : IAsyncLifetime
{
    private DiscordApiTestKit _kit = null!;

    public async Task InitializeAsync() => _kit = await DiscordApiTestKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Every_bot_request_carries_the_bot_token_and_the_documented_user_agent()
    {
        var channel = await _kit.Api.CreateDirectMessageChannelAsync(DiscordApiTestKit.Ada.Id, CancellationToken.None);
        await _kit.Api.CreateMessageAsync(channel, DiscordApiTestKit.Message("hi"), null, CancellationToken.None);

        Assert.All(_kit.Discord.Calls, call =>
        {
            Assert.Equal(200, call.HttpStatus);
            Assert.True(call.HadAuthorizationHeader);
            Assert.Matches(new Regex(@"^DiscordBot \(https://[^,]+, [0-9.]+\)$"), call.UserAgent);
        });
    }

    [Fact]
    public async Task Direct_message_channel_is_the_same_on_every_open()
    {
        var first = await _kit.Api.CreateDirectMessageChannelAsync(DiscordApiTestKit.Ada.Id, CancellationToken.None);
        var second = await _kit.Api.CreateDirectMessageChannelAsync(DiscordApiTestKit.Ada.Id, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(first, _kit.Discord.DirectMessageChannels[DiscordApiTestKit.Ada.Id]);
    }

    [Fact]
    public async Task Message_is_sent_as_given_with_nonce_and_enforce_nonce()
    {
        var body = DiscordApiTestKit.Message("Hello, World!");
        body["embeds"] = new JsonArray(new JsonObject { ["title"] = "Hello, Embed!", ["description"] = "This is an embedded message." });

        var id = await _kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, body, "n0nce", CancellationToken.None);

        var message = Assert.Single(_kit.Discord.Messages);
        Assert.Equal(id, message.Id);
        Assert.Equal("Hello, World!", message.Content);
        Assert.Equal("n0nce", message.Body["nonce"]!.GetValue<string>());
        Assert.True(message.Body["enforce_nonce"]!.GetValue<bool>());
        Assert.Equal("Hello, Embed!", message.Embeds[0]!["title"]!.GetValue<string>());
        // The caller's nodes are written, not moved: the same body can be sent again.
        Assert.NotNull(body["embeds"]);
    }

    [Fact]
    public async Task Same_nonce_again_returns_the_first_message_and_creates_none()
    {
        var first = await _kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("once"), "retry-key-1", CancellationToken.None);
        var again = await _kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("once"), "retry-key-1", CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(_kit.Discord.Messages);
        Assert.Equal(1, _kit.Discord.NonceHits);
    }

    [Fact]
    public async Task Nonce_longer_than_25_characters_is_refused_before_any_request()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message("x"), new string('n', 26), CancellationToken.None));
        Assert.Empty(_kit.Discord.Calls);
    }

    [Fact]
    public async Task Unknown_channel_is_a_typed_permanent_error_with_discords_code()
    {
        var ex = await Assert.ThrowsAsync<DiscordApiException>(() =>
            _kit.Api.CreateMessageAsync("1399999999999999999", DiscordApiTestKit.Message("x"), null, CancellationToken.None));

        Assert.Equal(404, ex.HttpStatus);
        Assert.Equal(DiscordErrorCodes.UnknownChannel, ex.Code);
        Assert.Equal("Unknown Channel", ex.DiscordMessage);
        Assert.False(ex.IsTransient);
        Assert.Equal("POST /channels/{channel_id}/messages", ex.Route);
    }

    [Fact]
    public async Task Invalid_form_body_comes_back_with_its_nested_errors_flattened()
    {
        var ex = await Assert.ThrowsAsync<DiscordApiException>(() =>
            _kit.Api.CreateMessageAsync(DiscordApiTestKit.Channel, DiscordApiTestKit.Message(new string('x', 2001)), null, CancellationToken.None));

        Assert.Equal(400, ex.HttpStatus);
        Assert.Equal(DiscordErrorCodes.InvalidFormBody, ex.Code);
        Assert.Equal("Invalid Form Body", ex.DiscordMessage);
        Assert.Equal(["content: BASE_TYPE_MAX_LENGTH Must be 2000 or fewer in length."], ex.Errors);
        Assert.Contains("content: BASE_TYPE_MAX_LENGTH", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Documented_50035_fixture_flattens_to_path_code_and_message()
    {
        var fixture = JsonDocument.Parse(DiscordApiTestKit.Fixture("error_50035_object.json").ToJsonString()).RootElement;
        Assert.Equal(["access_token: BASE_TYPE_REQUIRED This field is required"], DiscordApiClient.FlattenErrors(fixture.GetProperty("errors")));
    }

    [Fact]
    public async Task Closed_dms_are_the_documented_50007()
    {
        await using var kit = await DiscordApiTestKit.StartAsync();
        kit.Discord.AddUser(new FakeDiscordUser("1200000000000000009", "shy") { RefusesDirectMessages = true });
        var channel = await kit.Api.CreateDirectMessageChannelAsync("1200000000000000009", CancellationToken.None);

        var ex = await Assert.ThrowsAsync<DiscordApiException>(() => kit.Api.CreateMessageAsync(channel, DiscordApiTestKit.Message("x"), null, CancellationToken.None));

        Assert.Equal(DiscordErrorCodes.CannotSendToUser, ex.Code);
        Assert.Equal(403, ex.HttpStatus);
    }

    [Fact]
    public async Task Wrong_token_is_a_401_error()
    {
        await using var kit = await DiscordApiTestKit.StartAsync(configure: o => o.BotToken = "wrong.token.here");

        var ex = await Assert.ThrowsAsync<DiscordApiException>(() => kit.Api.GetGatewayBotAsync(CancellationToken.None));

        Assert.Equal(401, ex.HttpStatus);
        Assert.False(ex.IsTransient);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("12/34")]
    [InlineData("")]
    [InlineData("123456789012345678901")]
    public async Task Ids_that_are_not_snowflakes_never_reach_a_path(string id)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _kit.Api.CreateMessageAsync(id, DiscordApiTestKit.Message("x"), null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => _kit.Api.CreateDirectMessageChannelAsync(id, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => _kit.Api.GetGuildAsync(id, CancellationToken.None));
        Assert.Empty(_kit.Discord.Calls);
    }

    [Fact]
    public async Task Commands_are_bulk_overwritten_globally_with_contexts_and_in_a_guild_without()
    {
        var global = await _kit.Api.BulkOverwriteCommandsAsync(null, DiscordCommands.Registration(global: true), CancellationToken.None);
        var guild = await _kit.Api.BulkOverwriteCommandsAsync(DiscordApiTestKit.Guild, DiscordCommands.Registration(global: false), CancellationToken.None);

        Assert.Equal(["idea", "ideas", "improve"], global.Select(c => c.Name));
        Assert.All(global, c => Assert.Matches("^[0-9]+$", c.Id));
        Assert.Equal(["idea", "ideas", "improve"], guild.Select(c => c.Name));
        var registrations = _kit.Discord.CommandRegistrations;
        Assert.Equal([null, DiscordApiTestKit.Guild], registrations.Select(r => r.GuildId));
        Assert.All(registrations[0].Commands, c => Assert.Equal("[0,1]", c!["contexts"]!.ToJsonString()));
        Assert.All(registrations[1].Commands, c => Assert.Null(c!["contexts"]));
    }

    [Fact]
    public async Task Overwriting_again_replaces_the_scopes_commands()
    {
        await _kit.Api.BulkOverwriteCommandsAsync(DiscordApiTestKit.Guild, DiscordCommands.Registration(global: false), CancellationToken.None);
        var only = new JsonArray(DiscordCommands.Registration(global: false)[0]!.DeepClone());

        await _kit.Api.BulkOverwriteCommandsAsync(DiscordApiTestKit.Guild, only, CancellationToken.None);

        Assert.Equal(["idea"], _kit.Discord.CommandsOf(DiscordApiTestKit.Guild).Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deferred_answer_is_completed_through_the_webhook_without_the_bot_token_and_without_flags()
    {
        var token = _kit.Discord.MintInteractionToken();
        var message = DiscordApiTestKit.Message("done");
        message["flags"] = 64;

        await _kit.Api.EditOriginalResponseAsync(token, message, CancellationToken.None);

        var edit = Assert.Single(_kit.Discord.WebhookEdits);
        Assert.Equal(token, edit.InteractionToken);
        Assert.False(edit.HadAuthorizationHeader);
        Assert.Equal("done", edit.Body["content"]!.GetValue<string>());
        Assert.Null(edit.Body["flags"]);
    }

    [Fact]
    public async Task Webhook_of_an_unanswered_interaction_has_no_original_message_yet()
    {
        var token = _kit.Discord.MintInteractionToken(answeredWith: null);

        var ex = await Assert.ThrowsAsync<DiscordApiException>(() => _kit.Api.EditOriginalResponseAsync(token, DiscordApiTestKit.Message("x"), CancellationToken.None));

        Assert.Equal(DiscordErrorCodes.UnknownMessage, ex.Code);
    }

    [Fact]
    public async Task Webhook_logs_and_errors_never_show_the_interaction_token()
    {
        var token = _kit.Discord.MintInteractionToken(answeredWith: null);
        var ex = await Assert.ThrowsAsync<DiscordApiException>(() => _kit.Api.EditOriginalResponseAsync(token, DiscordApiTestKit.Message("x"), CancellationToken.None));

        Assert.DoesNotContain(token, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_kit.Logs.Entries, e => e.Text.Contains(token, StringComparison.Ordinal) || e.Text.Contains(_kit.Discord.BotToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gateway_url_is_what_discord_answers_and_follows_changes()
    {
        _kit.Discord.GatewayUrl = new Uri("ws://127.0.0.1:4567/gateway");
        var first = await _kit.Api.GetGatewayBotAsync(CancellationToken.None);
        _kit.Discord.GatewayUrl = new Uri("wss://gateway-us-east1-b.discord.gg/");
        var second = await _kit.Api.GetGatewayBotAsync(CancellationToken.None);

        Assert.Equal(new Uri("ws://127.0.0.1:4567/gateway"), first.Url);
        Assert.Equal(new Uri("wss://gateway-us-east1-b.discord.gg/"), second.Url);
        Assert.Equal(999, first.SessionStartRemaining);
        Assert.Equal(TimeSpan.FromHours(4), first.SessionStartResetAfter);
    }

    [Fact]
    public async Task Guild_name_is_read()
    {
        var guild = await _kit.Api.GetGuildAsync(DiscordApiTestKit.Guild, CancellationToken.None);
        Assert.Equal(new DiscordGuild(DiscordApiTestKit.Guild, "Vision Lab"), guild);
    }
}
