using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Testing.FakeSlack;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>The fake's Socket Mode, driven by a small test client over a real WebSocket, with URLs from the real API client.</summary>
public sealed class FakeSlackSocketModeTests
{
    [Fact]
    public async Task Connecting_receives_a_hello_shaped_like_slacks()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        await using var client = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));

        var hello = await client.ReceiveAsync();

        Assert.Equal("hello", hello["type"]!.GetValue<string>());
        Assert.Equal(1, hello["num_connections"]!.GetValue<int>());
        Assert.Equal(kit.Slack.AppId, hello["connection_info"]!["app_id"]!.GetValue<string>());
        // Every field the recorded hello has, the fake's has too.
        var fixture = SlackApiTestKit.Fixture("socket_mode_hello.json");
        Assert.All(fixture.Select(p => p.Key), key => Assert.True(hello.ContainsKey(key), key));
        Assert.All(fixture["debug_info"]!.AsObject().Select(p => p.Key), key => Assert.True(hello["debug_info"]!.AsObject().ContainsKey(key), key));
        Assert.Equal(1, kit.Slack.LiveConnectionCount);
    }

    [Fact]
    public async Task An_envelope_sent_is_acked_by_the_client_on_the_same_socket()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        await using var client = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));
        await client.ReceiveAsync(); // hello
        var payload = SlackApiTestKit.Fixture("socket_mode_envelope_events_api_message.json")["payload"]!.AsObject();

        var ack = kit.Slack.SendEnvelopeAsync("events_api", payload, acceptsResponsePayload: false);
        var envelope = await client.ReceiveAsync();
        await client.SendAsync(new JsonObject { ["envelope_id"] = envelope["envelope_id"]!.GetValue<string>() });

        var received = await ack;
        Assert.Equal("events_api", envelope["type"]!.GetValue<string>());
        Assert.False(envelope["accepts_response_payload"]!.GetValue<bool>());
        Assert.Equal(0, envelope["retry_attempt"]!.GetValue<int>());
        Assert.Equal("Ev111", envelope["payload"]!["event_id"]!.GetValue<string>());
        Assert.Equal(envelope["envelope_id"]!.GetValue<string>(), received.EnvelopeId);
        Assert.True(received.OnSameSocket);
        Assert.Null(received.Payload);
        Assert.Empty(kit.Slack.UnackedEnvelopes);
        Assert.Single(kit.Slack.Acks);
    }

    [Fact]
    public async Task A_slash_command_ack_carries_the_response_payload()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        await using var client = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));
        await client.ReceiveAsync();
        var payload = SlackApiTestKit.Fixture("socket_mode_envelope_slash_commands.json")["payload"]!.AsObject();

        var ack = kit.Slack.SendEnvelopeAsync("slash_commands", payload, acceptsResponsePayload: true);
        var envelope = await client.ReceiveAsync();
        await client.SendAsync(new JsonObject
        {
            ["envelope_id"] = envelope["envelope_id"]!.GetValue<string>(),
            ["payload"] = new JsonObject { ["text"] = "Saved idea #3" },
        });

        var received = await ack;
        Assert.True(envelope["accepts_response_payload"]!.GetValue<bool>());
        Assert.False(envelope.ContainsKey("retry_attempt"));
        Assert.Equal("Saved idea #3", received.Payload!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unacked_envelope_times_out_and_is_redelivered_with_retry_fields()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        await using var client = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));
        await client.ReceiveAsync();
        var payload = SlackApiTestKit.Fixture("socket_mode_envelope_events_api_message.json")["payload"]!.AsObject();

        // The client reads the envelope but never acks it: the send must fail, not hang.
        var unacked = kit.Slack.SendEnvelopeAsync("events_api", payload, false, ackTimeout: TimeSpan.FromMilliseconds(200));
        var first = await client.ReceiveAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => unacked);
        var pending = Assert.Single(kit.Slack.UnackedEnvelopes);
        Assert.Equal(first["envelope_id"]!.GetValue<string>(), pending.EnvelopeId);

        var redelivered = kit.Slack.RedeliverAsync(pending.EnvelopeId, "timeout");
        var retry = await client.ReceiveAsync();
        await client.SendAsync(new JsonObject { ["envelope_id"] = retry["envelope_id"]!.GetValue<string>() });
        await redelivered;

        Assert.Equal(1, retry["retry_attempt"]!.GetValue<int>());
        Assert.Equal("timeout", retry["retry_reason"]!.GetValue<string>());
        Assert.NotEqual(first["envelope_id"]!.GetValue<string>(), retry["envelope_id"]!.GetValue<string>());
        // Same event: clients dedupe on event_id, not envelope_id.
        Assert.Equal(first["payload"]!["event_id"]!.GetValue<string>(), retry["payload"]!["event_id"]!.GetValue<string>());
        Assert.Empty(kit.Slack.UnackedEnvelopes);
    }

    [Fact]
    public async Task An_ack_on_another_socket_does_not_count()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        await using var a = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));
        await a.ReceiveAsync();
        await using var b = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));
        Assert.Equal(2, (await b.ReceiveAsync())["num_connections"]!.GetValue<int>());

        var ack = kit.Slack.SendEnvelopeAsync("interactive", new JsonObject { ["type"] = "shortcut" }, false, ackTimeout: TimeSpan.FromMilliseconds(300));
        var envelope = kit.Slack.SentEnvelopes.Single();
        // Connections are numbered in the order they were accepted: a is conn-1. Ack on the socket that did not get it.
        var (receiver, other) = envelope.ConnectionId == "conn-1" ? (a, b) : (b, a);
        await receiver.ReceiveAsync();
        await other.SendAsync(new JsonObject { ["envelope_id"] = envelope.EnvelopeId });

        await Assert.ThrowsAsync<TimeoutException>(() => ack);
        await SlackApiTestKit.EventuallyAsync(() => kit.Slack.Acks.Count == 1, "the stray ack to be recorded");
        Assert.False(kit.Slack.Acks.Single().OnSameSocket);
        Assert.Single(kit.Slack.UnackedEnvelopes);
    }

    [Fact]
    public async Task A_disconnect_frame_reaches_the_client_and_the_socket_stays_open()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        await using var client = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));
        await client.ReceiveAsync();

        await kit.Slack.SendDisconnectAsync("refresh_requested");
        var frame = await client.ReceiveAsync();

        Assert.Equal("disconnect", frame["type"]!.GetValue<string>());
        Assert.Equal("refresh_requested", frame["reason"]!.GetValue<string>());
        Assert.Equal(1, kit.Slack.LiveConnectionCount);
    }

    [Fact]
    public async Task Dropped_connections_are_gone_and_a_fresh_url_connects_again()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        await using var first = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));
        await first.ReceiveAsync();

        await kit.Slack.DropConnectionsAsync();

        Assert.Equal(0, kit.Slack.LiveConnectionCount);
        await Assert.ThrowsAnyAsync<Exception>(() => first.ReceiveAsync());
        await using var second = await SocketTestClient.ConnectAsync(await kit.Api.OpenSocketConnectionAsync(CancellationToken.None));
        Assert.Equal("hello", (await second.ReceiveAsync())["type"]!.GetValue<string>());
        await kit.Slack.WaitForConnectionsAsync(1);
        Assert.Equal(2, kit.Slack.ConnectionsOpened);
    }

    [Fact]
    public async Task A_socket_url_serves_one_connection_only()
    {
        await using var kit = await SlackApiTestKit.StartAsync();
        var url = await kit.Api.OpenSocketConnectionAsync(CancellationToken.None);
        await using var first = await SocketTestClient.ConnectAsync(url);

        await Assert.ThrowsAsync<WebSocketException>(() => SocketTestClient.ConnectAsync(url));
    }

    [Fact]
    public async Task Sending_with_no_connection_open_fails_at_once()
    {
        await using var slack = await FakeSlackServer.StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => slack.SendEnvelopeAsync("events_api", new JsonObject(), false));
    }
}

/// <summary>A minimal Socket Mode client for tests: JSON frames in and out, every receive bounded.</summary>
internal sealed class SocketTestClient : IAsyncDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;

    private SocketTestClient(ClientWebSocket socket) => _socket = socket;

    public static async Task<SocketTestClient> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        try
        {
            using var timeout = new CancellationTokenSource(ReceiveTimeout);
            await socket.ConnectAsync(url, timeout.Token);
            return new SocketTestClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<JsonObject> ReceiveAsync() =>
        await TryReceiveAsync(ReceiveTimeout) ?? throw new TimeoutException("No frame arrived.");

    /// <summary>The next text frame, or null when none arrives in time.</summary>
    public async Task<JsonObject?> TryReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        try
        {
            do
            {
                result = await _socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("The server closed the socket.");
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return null;
        }
        return JsonNode.Parse(message.ToArray())!.AsObject();
    }

    public async Task SendAsync(JsonObject frame)
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
    }

    public ValueTask DisposeAsync()
    {
        // Abort rather than a close handshake: tests end quickly, and the fake treats both the same.
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
