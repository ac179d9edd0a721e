using System.Net;
using System.Text;
using System.Text.Json;
using ImproveBot.Slack.Http;
using ImproveBot.Slack.Inbound;
using ImproveBot.Slack.Tests.Signing;
using ImproveBot.Testing.Logging;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Slack.Tests.Http;

public sealed class SlackHttpEndpointsTests : IAsyncLifetime
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string Json = "application/json";

    private SlackHttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await SlackHttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _server.Http.SendAsync(request);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Fixture(string name) => SigningFixtures.ReadFixtureBytes(name);

    private IEnumerable<LogEntry> HttpWarnings =>
        _server.Logs.Entries.Where(e => e.Category == "ImproveBot.Slack.Http" && e.Level >= LogLevel.Warning);

    // ---- slash commands ----

    [Fact]
    public async Task Documented_slash_command_with_its_documented_headers_is_parsed_exactly()
    {
        var request = SlackHttpTestServer.Unsigned("slack/commands", SigningFixtures.SlashCommandBody, Form);
        request.Headers.Add("X-Slack-Request-Timestamp", SigningFixtures.Timestamp);
        request.Headers.Add("X-Slack-Signature", SigningFixtures.ExpectedSignature);

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        var command = Assert.Single(_server.Inbound.Commands);
        Assert.Equal(new SlashCommand(
            TeamId: "T1DC2JH3J",
            TeamDomain: "testteamnow",
            EnterpriseId: null,
            ChannelId: "G8PSS9T3V",
            UserId: "U2CERLKJA",
            UserName: "roadrunner",
            Command: "/webhook-collect",
            Text: "",
            ResponseUrl: "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
            TriggerId: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
            ApiAppId: null), command);
    }

    [Fact]
    public async Task Slash_command_text_is_url_decoded_and_optional_fields_are_read()
    {
        var body = Utf8("team_id=T1&enterprise_id=E1&channel_id=C1&user_id=U1&command=%2Fidea&text=read+first+%23reading+%26+%3Cmore%3E+%F0%9F%8C%8A&api_app_id=A1");
        using var response = await SendAsync(_server.Signed("slack/commands", body, Form + "; charset=utf-8"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var command = Assert.Single(_server.Inbound.Commands);
        Assert.Equal("read first #reading & <more> 🌊", command.Text);
        Assert.Equal("/idea", command.Command);
        Assert.Equal("E1", command.EnterpriseId);
        Assert.Equal("A1", command.ApiAppId);
        Assert.Null(command.TeamDomain);
        Assert.Null(command.ResponseUrl);
    }

    [Theory]
    [InlineData("channel_id=C1&user_id=U1&command=%2Fidea&text=x", "team_id")]
    [InlineData("team_id=T1&user_id=U1&command=%2Fidea&text=x", "channel_id")]
    [InlineData("team_id=T1&channel_id=C1&command=%2Fidea&text=x", "user_id")]
    [InlineData("team_id=T1&channel_id=C1&user_id=U1&text=x", "command")]
    [InlineData("team_id=T1&channel_id=C1&user_id=&command=%2Fidea", "user_id")]
    [InlineData("team_id=T1&channel_id=C1&user_id=U1&user_id=U2&command=%2Fidea", "user_id")]
    [InlineData("", "team_id")]
    public async Task Slash_command_without_a_required_field_is_a_400_naming_it(string form, string field)
    {
        using var response = await SendAsync(_server.Signed("slack/commands", Utf8(form), Form));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith($"field {field}.\"}}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _server.Inbound.CallCount);
        Assert.Contains(HttpWarnings, e => e.Message.Contains(field, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ssl_check_is_an_empty_200_without_calling_the_bot()
    {
        using var response = await SendAsync(_server.Signed("slack/commands", Utf8("ssl_check=1&token=xyzz0WbapA4vBCDEFasx0q6G"), Form));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength ?? (await response.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(0, _server.Inbound.CallCount);
    }

    [Fact]
    public async Task Ssl_check_must_be_signed_too()
    {
        using var response = await SendAsync(SlackHttpTestServer.Unsigned("slack/commands", Utf8("ssl_check=1&token=x"), Form));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(200, """{"response_type":"ephemeral","text":"Logged idea #12."}""")]
    [InlineData(200, """{"response_action":"errors","errors":{"ideas":"Too long"}}""")]
    [InlineData(400, """{"error":"nope"}""")]
    [InlineData(202, null)]
    [InlineData(200, null)]
    public async Task Ack_status_and_body_are_written_as_given(int status, string? body)
    {
        _server.Inbound.Ack = new SlackAck(status, body);

        using var response = await SendAsync(_server.Signed("slack/commands", SigningFixtures.SlashCommandBody, Form));

        Assert.Equal(status, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        if (body is null)
        {
            Assert.Equal("", text);
            Assert.Null(response.Content.Headers.ContentType);
        }
        else
        {
            Assert.Equal(body, text);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    // ---- signature refusals: 401 before anything is parsed or handed on ----

    public static TheoryData<string, string, string> EveryEndpoint => new()
    {
        { "slack/commands", "slash_command_body.form.txt", Form },
        { "slack/events", "event_callback_message_im.json", Json },
        { "slack/events", "url_verification.json", Json },
        { "slack/interactions", "block_actions_payload.form.txt", Form },
    };

    [Theory]
    [MemberData(nameof(EveryEndpoint))]
    public async Task Correctly_signed_requests_reach_the_bot(string path, string fixture, string contentType)
    {
        using var response = await SendAsync(_server.Signed(path, Fixture(fixture), contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(HttpWarnings);
    }

    [Theory]
    [MemberData(nameof(EveryEndpoint))]
    public async Task Unsigned_request_is_401_and_never_reaches_the_bot(string path, string fixture, string contentType)
    {
        using var response = await SendAsync(SlackHttpTestServer.Unsigned(path, Fixture(fixture), contentType));

        await AssertRefusedAsync(response, "MissingHeaders");
    }

    [Theory]
    [MemberData(nameof(EveryEndpoint))]
    public async Task Tampered_body_is_401(string path, string fixture, string contentType)
    {
        var original = Fixture(fixture);
        var request = _server.Signed(path, original, contentType);
        var tampered = original.Concat("------"u8.ToArray()).ToArray();
        request.Content = new ByteArrayContent(tampered);
        request.Content.Headers.ContentType = new(contentType);

        using var response = await SendAsync(request);

        await AssertRefusedAsync(response, "BadSignature");
    }

    [Theory]
    [MemberData(nameof(EveryEndpoint))]
    public async Task Signature_with_another_secret_is_401(string path, string fixture, string contentType)
    {
        using var response = await SendAsync(_server.Signed(path, Fixture(fixture), contentType, secret: "not-the-signing-secret"));

        await AssertRefusedAsync(response, "BadSignature");
    }

    [Fact]
    public async Task Replayed_request_is_401()
    {
        var request = _server.Signed("slack/events", Fixture("event_callback_message_im.json"), Json);
        _server.Clock.Advance(TimeSpan.FromSeconds(301));

        using var response = await SendAsync(request);

        await AssertRefusedAsync(response, "Stale");
    }

    [Fact]
    public async Task Request_from_the_future_is_401()
    {
        var future = (_server.Clock.GetUtcNow().ToUnixTimeSeconds() + 301).ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var response = await SendAsync(_server.Signed("slack/events", Fixture("event_callback_message_im.json"), Json, timestamp: future));

        await AssertRefusedAsync(response, "Stale");
    }

    [Fact]
    public async Task Non_numeric_timestamp_is_401()
    {
        var request = _server.Signed("slack/commands", SigningFixtures.SlashCommandBody, Form, timestamp: "soon");

        using var response = await SendAsync(request);

        await AssertRefusedAsync(response, "BadTimestamp");
    }

    [Fact]
    public async Task Signature_is_checked_before_the_content_type()
    {
        using var response = await SendAsync(SlackHttpTestServer.Unsigned("slack/events", Utf8("not json"), "text/plain"));

        await AssertRefusedAsync(response, "MissingHeaders");
    }

    [Fact]
    public async Task Without_a_signing_secret_every_request_is_refused()
    {
        await using var server = await SlackHttpTestServer.StartAsync(secret: null, noSecret: true);
        foreach (var (path, fixture, contentType) in new[]
                 {
                     ("slack/commands", "slash_command_body.form.txt", Form),
                     ("slack/events", "url_verification.json", Json),
                     ("slack/interactions", "block_actions_payload.form.txt", Form),
                 })
        {
            using var response = await server.Http.SendAsync(server.Signed(path, Fixture(fixture), contentType));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(0, server.Inbound.CallCount);
        Assert.Equal(3, server.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("NoSecretConfigured", StringComparison.Ordinal)));
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Nothing of the request (a challenge, say) is echoed back to an unauthenticated caller.
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _server.Inbound.CallCount);
        var line = Assert.Single(HttpWarnings);
        Assert.Contains(reason, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SigningFixtures.Secret, line.Message, StringComparison.Ordinal);
    }

    // ---- events ----

    [Fact]
    public async Task Url_verification_echoes_the_challenge_as_json()
    {
        using var response = await SendAsync(_server.Signed("slack/events", Fixture("url_verification.json"), Json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", json.RootElement.GetProperty("challenge").GetString());
        Assert.Equal(0, _server.Inbound.CallCount);
    }

    [Fact]
    public async Task Url_verification_without_a_challenge_is_400()
    {
        using var response = await SendAsync(_server.Signed("slack/events", Utf8("""{"type":"url_verification","challenge":42}"""), Json));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Event_callback_is_handed_on_with_its_envelope()
    {
        using var response = await SendAsync(_server.Signed("slack/events", Fixture("event_callback_message_im.json"), Json + "; charset=utf-8"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (envelope, retryNum) = Assert.Single(_server.Inbound.Events);
        Assert.Equal(0, retryNum);
        // Read after the request has finished: the element must not depend on a pooled, disposed buffer.
        Assert.Equal("Ev0PV52K21", envelope.GetProperty("event_id").GetString());
        Assert.Equal("Hello hello can you hear me?", envelope.GetProperty("event").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("3", 3)]
    [InlineData("abc", 0)]
    [InlineData("-1", 0)]
    [InlineData("", 0)]
    [InlineData("99999999999999999999", 0)]
    public async Task Retry_num_is_passed_through(string header, int expected)
    {
        var request = _server.Signed("slack/events", Fixture("event_callback_message_im.json"), Json);
        request.Headers.TryAddWithoutValidation("X-Slack-Retry-Num", header);
        request.Headers.TryAddWithoutValidation("X-Slack-Retry-Reason", "http_timeout");

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, Assert.Single(_server.Inbound.Events).RetryNum);
    }

    [Fact]
    public async Task Ack_of_an_event_is_written_as_given()
    {
        _server.Inbound.Ack = new SlackAck(200, """{"ok":true}""");
        using var response = await SendAsync(_server.Signed("slack/events", Fixture("event_callback_message_im.json"), Json));

        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task App_rate_limited_is_acknowledged_and_logged()
    {
        using var response = await SendAsync(_server.Signed("slack/events", Fixture("app_rate_limited.json"), Json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _server.Inbound.CallCount);
        Assert.Contains(_server.Logs.Entries, e => e.Category == "ImproveBot.Slack.Http" && e.Message.Contains("app_rate_limited", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"type\":\"event_callback\",")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("\"event_callback\"")]
    [InlineData("{\"event\":{}}")]
    [InlineData("{\"type\":7}")]
    [InlineData("{\"type\":\"event_callback\"} {\"type\":\"event_callback\"}")]
    [InlineData("{\"type\":\"event_callback\",\"event\":\"\xFF\"}")]
    [InlineData("\xFF\xFE")]
    public async Task Malformed_event_json_is_400_and_not_retried(string body)
    {
        // Latin-1, so the \xFF above reaches the server as the invalid UTF-8 byte 0xFF.
        using var response = await SendAsync(_server.Signed("slack/events", Encoding.Latin1.GetBytes(body), Json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("X-Slack-No-Retry")));
        Assert.Equal(0, _server.Inbound.CallCount);
        Assert.Single(HttpWarnings);
    }

    [Fact]
    public async Task Deeply_nested_json_is_400()
    {
        var body = new string('[', 10_000) + new string(']', 10_000);
        using var response = await SendAsync(_server.Signed("slack/events", Utf8(body), Json));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    // ---- interactions ----

    [Fact]
    public async Task Block_actions_payload_is_parsed_and_handed_on()
    {
        using var response = await SendAsync(_server.Signed("slack/interactions", Fixture("block_actions_payload.form.txt"), Form));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var payload = Assert.Single(_server.Inbound.Interactions);
        var expected = JsonDocument.Parse(Fixture("block_actions_payload.json")).RootElement;
        Assert.True(JsonElement.DeepEquals(expected, payload));
        Assert.Equal("block_actions", payload.GetProperty("type").GetString());
        Assert.Equal("click_me_123", payload.GetProperty("actions")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task View_submission_ack_is_written_as_given()
    {
        _server.Inbound.Ack = SlackAck.Json("""{"response_action":"errors","errors":{"b":"Please write something"}}""");

        using var response = await SendAsync(_server.Signed("slack/interactions", Fixture("view_submission_payload.form.txt"), Form));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"response_action":"errors","errors":{"b":"Please write something"}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("view_submission", Assert.Single(_server.Inbound.Interactions).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("payload=%7B%22type%22%3A")]
    [InlineData("payload=not+json")]
    [InlineData("payload=%5B%5D")]
    [InlineData("payload=")]
    [InlineData("other=1")]
    [InlineData("")]
    [InlineData("payload=%7B%7D&payload=%7B%7D")]
    public async Task Missing_or_malformed_payload_is_400(string form)
    {
        using var response = await SendAsync(_server.Signed("slack/interactions", Utf8(form), Form));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("payload", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, _server.Inbound.CallCount);
        Assert.Single(HttpWarnings);
    }

    // ---- content types and sizes ----

    [Theory]
    [InlineData("slack/commands", Json)]
    [InlineData("slack/commands", "multipart/form-data; boundary=x")]
    [InlineData("slack/events", Form)]
    [InlineData("slack/events", "text/plain")]
    [InlineData("slack/interactions", Json)]
    [InlineData("slack/commands", null)]
    [InlineData("slack/events", null)]
    public async Task Wrong_content_type_is_415(string path, string? contentType)
    {
        using var response = await SendAsync(_server.Signed(path, Utf8("{}"), contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, _server.Inbound.CallCount);
        Assert.Single(HttpWarnings);
    }

    [Theory]
    [InlineData("slack/commands", Form)]
    [InlineData("slack/events", Json)]
    [InlineData("slack/interactions", Form)]
    public async Task Oversized_body_is_413(string path, string contentType)
    {
        var body = new byte[SlackHttpEndpoints.MaxBodyBytes + 1];
        Array.Fill(body, (byte)'a');

        using var response = await SendAsync(_server.Signed(path, body, contentType));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, _server.Inbound.CallCount);
        Assert.Single(HttpWarnings);
    }

    [Fact]
    public async Task Oversized_chunked_body_without_a_length_is_413()
    {
        var request = SlackHttpTestServer.Unsigned("slack/events", [], Json);
        request.Content = new UnknownLengthContent(SlackHttpEndpoints.MaxBodyBytes + 10_000);
        request.Content.Headers.ContentType = new(Json);

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, _server.Inbound.CallCount);
    }

    [Fact]
    public async Task Oversized_chunked_body_under_the_hosts_kestrel_limit_is_413_not_500()
    {
        // The host caps Kestrel at 1 MiB as well; then Kestrel, not this code, notices the excess, and throws while reading.
        await using var server = await SlackHttpTestServer.StartAsync(kestrelMaxBodySize: SlackHttpEndpoints.MaxBodyBytes);
        var request = SlackHttpTestServer.Unsigned("slack/events", [], Json);
        request.Content = new UnknownLengthContent(SlackHttpEndpoints.MaxBodyBytes + 10_000);
        request.Content.Headers.ContentType = new(Json);

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, server.Inbound.CallCount);
        Assert.Contains(server.Logs.Entries, e => e.Category == "ImproveBot.Slack.Http" && e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Body_of_exactly_the_limit_is_read_and_verified()
    {
        var prefix = "payload="u8.ToArray();
        var body = prefix.Concat(Enumerable.Repeat((byte)'a', SlackHttpEndpoints.MaxBodyBytes - prefix.Length)).ToArray();

        using var response = await SendAsync(_server.Signed("slack/interactions", body, Form));

        // Not 413: it was read whole and verified, then refused as JSON.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Chunked_body_within_the_limit_is_read()
    {
        var body = Fixture("event_callback_message_im.json");
        var request = _server.Signed("slack/events", body, Json);
        request.Content = new UnknownLengthContent(body);
        request.Content.Headers.ContentType = new(Json);

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_server.Inbound.Events);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task Only_post_is_mapped(string method)
    {
        using var response = await SendAsync(new HttpRequestMessage(new HttpMethod(method), "slack/events"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task A_body_cut_short_of_its_content_length_reaches_nobody_and_logs_no_error()
    {
        var body = Utf8("team_id=T1&channel_id=C1&user_id=U1&command=%2Fidea&text=read+first");
        var status = await ImproveBot.Testing.Http.RawHttp.PostTruncatedAsync(_server.Http.BaseAddress!, "slack/commands", Form, body.Length + 100, body);

        // The server either reads the short body and answers 400 (Kestrel may then reset the half-closed connection, so
        // the client need not see it) or sees the client gone first and drops the request. Wait for it to finish, at
        // most 15 s (Kestrel times out a body that stops coming after 5 s), then: nothing reached the handler, and nothing was logged as an error.
        var finished = await _server.Logs.WaitForAsync(e => e.Message.StartsWith("Request finished", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.True(finished, "the request never finished");
        Assert.True(status is 0 or 400, $"status {status}");
        Assert.Empty(_server.Inbound.Commands);
        Assert.DoesNotContain(_server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    /// <summary>Content sent with chunked transfer encoding (no Content-Length), as a proxy might forward it.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _body;

        public UnknownLengthContent(int length)
        {
            _body = new byte[length];
            Array.Fill(_body, (byte)' ');
        }

        public UnknownLengthContent(byte[] body) => _body = body;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            // Several writes, so the server sees several chunks.
            for (var offset = 0; offset < _body.Length; offset += 8192)
                await stream.WriteAsync(_body.AsMemory(offset, Math.Min(8192, _body.Length - offset)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
