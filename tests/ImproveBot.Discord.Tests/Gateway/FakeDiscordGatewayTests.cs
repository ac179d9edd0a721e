using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Testing.FakeDiscord;

namespace ImproveBot.Discord.Tests.Gateway;

/// <summary>The fake Gateway itself, driven by a bare WebSocket: it must behave as the protocol reference says, or the client tests prove nothing.</summary>
public sealed class FakeDiscordGatewayTests
{
    [Fact]
    public async Task Connect_GetsHelloWithTheConfiguredInterval_ShapedLikeTheFixture()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync(new FakeDiscordGatewayOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(1234) });
        await using var client = await RawClient.ConnectAsync(gateway.Url);

        var hello = await client.ReceiveAsync();

        var fixture = Fixture("gateway_hello.json");
        Assert.Equal(fixture["op"]!.GetValue<int>(), hello["op"]!.GetValue<int>());
        Assert.Equal(1234, hello["d"]!["heartbeat_interval"]!.GetValue<int>());
    }

    [Fact]
    public async Task Identify_GetsReady_WithSessionAndResumeUrl_AndHeartbeatsAreAcked()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        await using var client = await RawClient.ConnectAsync(gateway.Url);
        await client.ReceiveAsync();

        await client.SendAsync(Identify(gateway.BotToken, 4096));
        var ready = await client.ReceiveAsync();
        await client.SendAsync(new JsonObject { ["op"] = 1, ["d"] = 1 });
        var ack = await client.ReceiveAsync();

        Assert.Equal(0, ready["op"]!.GetValue<int>());
        Assert.Equal("READY", ready["t"]!.GetValue<string>());
        Assert.Equal(1, ready["s"]!.GetValue<long>());
        Assert.Equal(gateway.SessionId, ready["d"]!["session_id"]!.GetValue<string>());
        Assert.Equal(gateway.ResumeUrl.AbsoluteUri, ready["d"]!["resume_gateway_url"]!.GetValue<string>());
        Assert.Equal(gateway.BotUserId, ready["d"]!["user"]!["id"]!.GetValue<string>());
        Assert.Equal(11, ack["op"]!.GetValue<int>());
        Assert.True(gateway.Identifies.Single().HasToken(gateway.BotToken));
    }

    [Fact]
    public async Task Identify_WithAWrongToken_Closes4004()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        await using var client = await RawClient.ConnectAsync(gateway.Url);
        await client.ReceiveAsync();

        await client.SendAsync(Identify("wrong", 4096));

        Assert.Equal(4004, await client.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData(4096 | 32768, 4014)] // MESSAGE_CONTENT not enabled
    [InlineData(1 << 30, 4013)]     // not an intent
    public async Task Identify_WithBadIntents_Closes(int intents, int code)
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        await using var client = await RawClient.ConnectAsync(gateway.Url);
        await client.ReceiveAsync();

        await client.SendAsync(Identify(gateway.BotToken, intents));

        Assert.Equal(code, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Identify_WithAnEnabledPrivilegedIntent_IsAccepted()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync(new FakeDiscordGatewayOptions { EnabledPrivilegedIntents = 32768 });
        await using var client = await RawClient.ConnectAsync(gateway.Url);
        await client.ReceiveAsync();

        await client.SendAsync(Identify(gateway.BotToken, 4096 | 32768));

        Assert.Equal("READY", (await client.ReceiveAsync())["t"]!.GetValue<string>());
    }

    [Fact]
    public async Task WrongApiVersion_Closes4012()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        await using var client = await RawClient.ConnectAsync(gateway.Url, "?v=6&encoding=json");

        Assert.Equal(4012, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Resume_ReplaysWhatWasMissed_InOrder_ThenResumed()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        await using (var first = await RawClient.ConnectAsync(gateway.Url))
        {
            await first.ReceiveAsync();
            await first.SendAsync(Identify(gateway.BotToken, 4096));
            await first.ReceiveAsync(); // READY, s=1
            await gateway.SendMessageCreateAsync("1", "2", "seen");
            await first.ReceiveAsync(); // s=2
            await gateway.DropConnectionsAsync();
        }
        await gateway.WaitForAsync(() => !gateway.SessionConnected, "the drop");
        await gateway.SendMessageCreateAsync("3", "2", "missed one");
        await gateway.SendMessageCreateAsync("4", "2", "missed two");

        await using var second = await RawClient.ConnectAsync(gateway.ResumeUrl);
        await second.ReceiveAsync(); // HELLO
        await second.SendAsync(new JsonObject
        {
            ["op"] = 6,
            ["d"] = new JsonObject { ["token"] = gateway.BotToken, ["session_id"] = gateway.SessionId, ["seq"] = 2 },
        });
        var frames = new[] { await second.ReceiveAsync(), await second.ReceiveAsync(), await second.ReceiveAsync() };

        Assert.Equal(new long[] { 3, 4, 5 }, frames.Select(f => f["s"]!.GetValue<long>()));
        Assert.Equal(new[] { "missed one", "missed two" }, frames.Take(2).Select(f => f["d"]!["content"]!.GetValue<string>()));
        Assert.Equal("RESUMED", frames[2]["t"]!.GetValue<string>());
        Assert.Equal(2, gateway.ReplayedCount);
        Assert.True(gateway.SessionConnected);
    }

    [Theory]
    [InlineData("unknown-session", 0)]
    [InlineData(null, 99)] // a sequence the session never reached
    public async Task Resume_OfAnUnknownSessionOrSequence_GetsInvalidSessionFalse(string? sessionId, long seq)
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        await using (var first = await RawClient.ConnectAsync(gateway.Url))
        {
            await first.ReceiveAsync();
            await first.SendAsync(Identify(gateway.BotToken, 4096));
            await first.ReceiveAsync();
        }
        await using var second = await RawClient.ConnectAsync(gateway.ResumeUrl);
        await second.ReceiveAsync();

        await second.SendAsync(new JsonObject
        {
            ["op"] = 6,
            ["d"] = new JsonObject { ["token"] = gateway.BotToken, ["session_id"] = sessionId ?? gateway.SessionId, ["seq"] = seq },
        });
        var answer = await second.ReceiveAsync();

        Assert.Equal(9, answer["op"]!.GetValue<int>());
        Assert.False(answer["d"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ClientCloseWith1000_EndsTheSession()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        var client = await RawClient.ConnectAsync(gateway.Url);
        await client.ReceiveAsync();
        await client.SendAsync(Identify(gateway.BotToken, 4096));
        await client.ReceiveAsync();
        var session = gateway.SessionId;

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure);
        await gateway.WaitForAsync(() => gateway.Connections[0].ClientCloseStatus == 1000, "the close to be recorded");
        await client.DisposeAsync();
        await using var again = await RawClient.ConnectAsync(gateway.ResumeUrl);
        await again.ReceiveAsync();
        await again.SendAsync(new JsonObject
        {
            ["op"] = 6,
            ["d"] = new JsonObject { ["token"] = gateway.BotToken, ["session_id"] = session, ["seq"] = 1 },
        });

        Assert.Equal(9, (await again.ReceiveAsync())["op"]!.GetValue<int>());
    }

    [Fact]
    public async Task MoreThan120EventsAMinute_Closes4008()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        await using var client = await RawClient.ConnectAsync(gateway.Url);
        await client.ReceiveAsync();
        gateway.AckHeartbeats = false;

        for (var i = 0; i < 121; i++) await client.SendAsync(new JsonObject { ["op"] = 1, ["d"] = null });

        Assert.Equal(4008, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task RecordedFrames_NeverPrintTheToken()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        await using var client = await RawClient.ConnectAsync(gateway.Url);
        await client.ReceiveAsync();
        await client.SendAsync(Identify(gateway.BotToken, 4096));
        await client.ReceiveAsync();

        var identify = gateway.Identifies.Single();

        Assert.True(identify.HasToken(gateway.BotToken), "the record keeps the token for assertions");
        Assert.DoesNotContain(gateway.BotToken, identify.ToString(), StringComparison.Ordinal);
        Assert.Contains("[redacted]", identify.ToString(), StringComparison.Ordinal);
    }

    private static JsonObject Identify(string token, int intents) => new()
    {
        ["op"] = 2,
        ["d"] = new JsonObject
        {
            ["token"] = token,
            ["intents"] = intents,
            ["properties"] = new JsonObject { ["os"] = "linux", ["browser"] = "test", ["device"] = "test" },
        },
    };

    private static JsonObject Fixture(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)))!.AsObject();

    /// <summary>A bare WebSocket client; every receive is bounded.</summary>
    private sealed class RawClient(ClientWebSocket socket) : IAsyncDisposable
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

        public static async Task<RawClient> ConnectAsync(Uri url, string query = "?v=10&encoding=json")
        {
            var socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(Wait);
            await socket.ConnectAsync(new Uri(url, query), timeout.Token);
            return new RawClient(socket);
        }

        public async Task<JsonObject> ReceiveAsync()
        {
            var (type, text) = await ReceiveRawAsync();
            Assert.Equal(WebSocketMessageType.Text, type);
            return JsonNode.Parse(text)!.AsObject();
        }

        /// <summary>Waits for the server's close frame and returns its code.</summary>
        public async Task<int?> ReceiveCloseAsync()
        {
            var (type, _) = await ReceiveRawAsync();
            Assert.Equal(WebSocketMessageType.Close, type);
            return (int?)socket.CloseStatus;
        }

        public async Task SendAsync(JsonObject frame)
        {
            using var timeout = new CancellationTokenSource(Wait);
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        }

        public async Task CloseAsync(WebSocketCloseStatus status)
        {
            using var timeout = new CancellationTokenSource(Wait);
            await socket.CloseOutputAsync(status, "bye", timeout.Token);
        }

        private async Task<(WebSocketMessageType Type, string Text)> ReceiveRawAsync()
        {
            using var timeout = new CancellationTokenSource(Wait);
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            return (result.MessageType, Encoding.UTF8.GetString(message.ToArray()));
        }

        public ValueTask DisposeAsync()
        {
            socket.Abort();
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
