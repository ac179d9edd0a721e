using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ImproveBot.Discord.Http;
using ImproveBot.Discord.Inbound;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Tests.Http;

public sealed class DiscordHttpEndpointsTests : IAsyncLifetime
{
    private static readonly byte[] Command = Encoding.UTF8.GetBytes(
        """{"type":2,"id":"786008729715212338","application_id":"1","token":"A_UNIQUE_TOKEN","guild_id":"290926798626357999","member":{"user":{"id":"53908232506183680","username":"Mason"},"permissions":"2147483647"},"data":{"name":"idea","type":1,"options":[{"type":3,"name":"text","value":"read more"}]}}""");

    private DiscordHttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await DiscordHttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Timestamp(int offsetSeconds = 0) =>
        _server.Clock.GetUtcNow().AddSeconds(offsetSeconds).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Ping_is_answered_with_pong_as_json_without_reaching_the_bot()
    {
        var response = await _server.PostSignedAsync(Encoding.UTF8.GetBytes("""{"type":1,"id":"1","application_id":"2","token":"t","version":1}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"type":1}""", await response.Content.ReadAsStringAsync());
        Assert.Empty(_server.Inbound.Interactions);
    }

    [Fact]
    public async Task Documented_minimal_ping_fixture_gets_the_documented_pong()
    {
        var ping = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "interaction_ping.json"));
        var pong = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "interaction_pong_response.json"))).RootElement;

        var response = await _server.PostSignedAsync(ping);

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(pong.GetProperty("type").GetInt32(), body.GetProperty("type").GetInt32());
    }

    [Fact]
    public async Task A_body_cut_short_of_its_content_length_reaches_nobody_and_logs_no_error()
    {
        var status = await ImproveBot.Testing.Http.RawHttp.PostTruncatedAsync(_server.Http.BaseAddress!, "discord/interactions",
            "application/json", Command.Length + 100, Command);

        // The server either reads the short body and answers 400 (Kestrel may then reset the half-closed connection, so
        // the client need not see it) or sees the client gone first and drops the request. Wait for it to finish, at
        // most 15 s (Kestrel times out a body that stops coming after 5 s), then: nothing reached the bot, and nothing was logged as an error.
        var finished = await _server.Logs.WaitForAsync(e => e.Message.StartsWith("Request finished", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.True(finished, "the request never finished");
        Assert.True(status is 0 or 400, $"status {status}");
        Assert.Empty(_server.Inbound.Interactions);
        Assert.DoesNotContain(_server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Signed_interaction_reaches_the_bot_and_its_answer_is_written_as_given()
    {
        var response = await _server.PostSignedAsync(Command);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_server.Inbound.Ack.JsonBody, await response.Content.ReadAsStringAsync());
        var received = Assert.Single(_server.Inbound.Interactions);
        Assert.Equal("786008729715212338", received.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Tampered_body_is_401_and_never_reaches_the_bot()
    {
        using var request = _server.Signer.CreateRequest(DiscordHttpEndpoints.Path, Command, Timestamp());
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Command).Replace("read more", "read less", StringComparison.Ordinal));
        request.Content = new ByteArrayContent(tampered);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_server.Inbound.Interactions);
    }

    [Fact]
    public async Task Signature_with_another_key_is_401()
    {
        using var other = new DiscordInteractionSigner();
        using var request = other.CreateRequest(DiscordHttpEndpoints.Path, Command, Timestamp());

        var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_server.Inbound.Interactions);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task Missing_signature_headers_are_401(bool withSignature, bool withTimestamp)
    {
        var timestamp = Timestamp();
        var signature = _server.Signer.Sign(timestamp, Command);

        var response = await FakeDiscordServer.PostRawAsync(_server.Http, Command, withSignature ? signature : null, withTimestamp ? timestamp : null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_server.Inbound.Interactions);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task Correctly_signed_but_stale_or_future_timestamp_is_401_as_a_replay(int offsetSeconds)
    {
        var response = await _server.PostSignedAsync(Command, Timestamp(offsetSeconds));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_server.Inbound.Interactions);
        Assert.Contains(_server.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Stale", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ping_with_a_bad_signature_is_401_too()
    {
        // Discord's routine checks send exactly this; answering PONG would get the endpoint removed.
        var ping = Encoding.UTF8.GetBytes("""{"type":1}""");
        var response = await FakeDiscordServer.PostRawAsync(_server.Http, ping, new string('0', 128), Timestamp());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_public_key_every_request_is_refused()
    {
        await using var server = await DiscordHttpTestServer.StartAsync(publicKey: "");

        var response = await server.PostSignedAsync(Encoding.UTF8.GetBytes("""{"type":1}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("NoKeyConfigured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusal_log_names_the_reason_but_never_the_body_or_signature()
    {
        var timestamp = Timestamp(1000);
        var signature = _server.Signer.Sign(timestamp, Command);
        await FakeDiscordServer.PostRawAsync(_server.Http, Command, signature, timestamp);

        var all = string.Join("\n", _server.Logs.Entries.Select(e => e.Message));
        Assert.Contains("Stale", all, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, all, StringComparison.Ordinal);
        Assert.DoesNotContain("A_UNIQUE_TOKEN", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signature_is_checked_before_the_content_type()
    {
        var unsigned = await FakeDiscordServer.PostRawAsync(_server.Http, Command, null, null);
        var signedText = await _server.PostSignedAsync(Command, contentType: "text/plain");

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, signedText.StatusCode);
        Assert.Empty(_server.Inbound.Interactions);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":\"two\"}")]
    [InlineData("{\"id\":\"1\"}")]
    [InlineData("{\"type\":1} {\"type\":2}")]
    public async Task Signed_but_malformed_body_is_400_with_a_log_line(string body)
    {
        var response = await _server.PostSignedAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_server.Inbound.Interactions);
        Assert.Contains(_server.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category == "ImproveBot.Discord.Http");
    }

    [Fact]
    public async Task Deeply_nested_json_is_400()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":2,\"data\":" + new string('[', 100) + new string(']', 100) + "}");
        var response = await _server.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Oversized_body_is_413()
    {
        var body = new byte[DiscordHttpEndpoints.MaxBodyBytes + 1];
        var response = await _server.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_server.Inbound.Interactions);
    }

    [Fact]
    public async Task Work_after_the_response_runs_once_the_answer_was_sent()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Inbound.Ack = new DiscordAck(200, """{"type":5,"data":{"flags":64}}""", () =>
        {
            done.SetResult();
            return Task.CompletedTask;
        });

        var response = await _server.PostSignedAsync(Command);

        Assert.Equal("""{"type":5,"data":{"flags":64}}""", await response.Content.ReadAsStringAsync());
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task Only_post_is_mapped(string method)
    {
        var response = await _server.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), DiscordHttpEndpoints.Path));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
