using System.Text.Json.Nodes;
using ImproveBot.Discord.Gateway;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Tests.Gateway;

/// <summary>The Gateway client against the fake Gateway over real WebSockets on 127.0.0.1.</summary>
public sealed class DiscordGatewayClientTests
{
    private const string Ada = "2200000000000000001";

    [Fact]
    public async Task Connect_HelloIdentifyReady_EstablishesASession()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();

        var connection = Assert.Single(kit.Gateway.Connections);
        Assert.Equal("/", connection.Path);
        Assert.Equal("?v=10&encoding=json", connection.Query);
        var identify = Assert.Single(kit.HandshakeFrames(connection.Id));
        Assert.Equal(2, identify.Op);
        Assert.True(identify.HasToken(kit.Gateway.BotToken), "IDENTIFY must carry the bot token");
        Assert.Equal(GatewayIntents.DirectMessages, identify.D!["intents"]!.GetValue<int>());
        var properties = identify.D["properties"]!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(properties["os"]!.GetValue<string>()));
        Assert.Equal("ImproveBot", properties["browser"]!.GetValue<string>());
        Assert.Equal("ImproveBot", properties["device"]!.GetValue<string>());
        Assert.Equal(kit.Gateway.SessionId, kit.Client.SessionId);
        Assert.Equal(1, kit.Client.Sequence); // READY is the session's first dispatch
        Assert.Equal(1, kit.Urls.Calls);
    }

    [Fact]
    public async Task Heartbeats_KeepComing_AndCarryTheLastSequence()
    {
        var interval = TimeSpan.FromMilliseconds(150);
        await using var kit = await GatewayTestKit.StartAsync(heartbeatInterval: interval);
        await kit.WaitReadyAsync();
        await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "one");
        var last = await kit.Gateway.SendMessageCreateAsync("3300000000000000002", Ada, "two");

        await kit.Gateway.WaitForAsync(() => kit.Gateway.Heartbeats.Count(h => h.D?.GetValue<long>() == last) >= 2,
            "two heartbeats carrying the last sequence number");

        var beats = kit.Gateway.Heartbeats;
        Assert.All(beats, b => Assert.Equal("conn-1", b.ConnectionId));
        // Each heartbeat carries the newest sequence number seen so far (null before READY), so the values never go back.
        var sequences = beats.Select(b => b.D?.GetValue<long>() ?? 0).ToArray();
        Assert.Equal(sequences.Order(), sequences);
        Assert.All(sequences, s => Assert.InRange(s, 0, last));
        // The exact schedule (interval × jitter, then every interval) is pinned down on a fake clock in DiscordGatewayClientTimingTests.
    }

    [Fact]
    public async Task ServerHeartbeatRequest_IsAnsweredAtOnce()
    {
        // A one-minute interval with the first beat at 99 % of it: any heartbeat within the test answers the request.
        await using var kit = await GatewayTestKit.StartAsync(heartbeatInterval: TimeSpan.FromMinutes(1),
            settings: GatewayTestKit.FastSettings(s => s.Jitter = 0.99));
        await kit.WaitReadyAsync();
        Assert.Empty(kit.Gateway.Heartbeats);

        await kit.Gateway.RequestHeartbeatAsync();

        await kit.Gateway.WaitForAsync(() => kit.Gateway.Heartbeats.Count == 1, "the requested heartbeat");
        Assert.Equal(kit.Client.Sequence, Assert.Single(kit.Gateway.Heartbeats).D!.GetValue<long>());
    }

    [Fact]
    public async Task MissedHeartbeatAck_ClosesWithoutEndingTheSession_AndResumes()
    {
        await using var kit = await GatewayTestKit.StartAsync(heartbeatInterval: TimeSpan.FromMilliseconds(150));
        await kit.WaitReadyAsync();
        var session = kit.Gateway.SessionId;
        var sequence = await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "before the zombie");
        await kit.WaitForMessageAsync("3300000000000000001");

        kit.Gateway.AckHeartbeats = false;
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Resumes.Count >= 1, "a RESUME after the missed ACK");
        kit.Gateway.AckHeartbeats = true;
        await kit.WaitReadyAsync("the session to be resumed");

        var first = kit.Gateway.Connections[0];
        Assert.NotNull(first.ClientCloseStatus);
        Assert.DoesNotContain(first.ClientCloseStatus, new int?[] { 1000, 1001 }); // those would end the session
        var resume = kit.Gateway.Resumes[0];
        Assert.Equal("conn-2", resume.ConnectionId);
        Assert.Equal("/resume", kit.Gateway.Connections[1].Path);
        Assert.Equal("?v=10&encoding=json", kit.Gateway.Connections[1].Query);
        Assert.True(resume.HasToken(kit.Gateway.BotToken), "RESUME must carry the bot token");
        Assert.Equal(session, resume.D!["session_id"]!.GetValue<string>());
        Assert.Equal(sequence, resume.D["seq"]!.GetValue<long>());
        Assert.Single(kit.Gateway.Identifies);
        Assert.Equal(session, kit.Client.SessionId);
        Assert.Contains(kit.Logs.Entries, e => e.Level == LogLevel.Warning && e.Text.Contains("zombie", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconnect_ResumesAndReplaysMissedDispatches_WithoutLossOrDuplication()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();
        var seen = await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "A");
        await kit.WaitForMessageAsync("3300000000000000001");

        // The client's RESUME is held while two DMs arrive for the session: they can only come by replay.
        kit.Gateway.HoldResumes();
        await kit.Gateway.SendReconnectAsync();
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Resumes.Count == 1, "the RESUME after RECONNECT");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000002", Ada, "B");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000003", Ada, "C");
        kit.Gateway.ReleaseResumes();
        await kit.WaitForMessageAsync("3300000000000000003");
        await kit.WaitReadyAsync("the session to be resumed");
        // One more live DM after the replay: everything before it has been read by now.
        await kit.Gateway.SendMessageCreateAsync("3300000000000000004", Ada, "D");
        await kit.WaitForMessageAsync("3300000000000000004");

        Assert.Equal(seen, kit.Gateway.Resumes[0].D!["seq"]!.GetValue<long>());
        Assert.Equal(2, kit.Gateway.ReplayedCount);
        Assert.Equal(new[] { "A", "B", "C", "D" }, kit.Handler.Received.Select(m => m.Content).Order());
        Assert.Single(kit.Gateway.Identifies);
        Assert.NotEqual(1000, kit.Gateway.Connections[0].ClientCloseStatus);
    }

    /// <summary>The headline: a DM sent just as the TCP connection dies reaches the handler once, by replay.</summary>
    [Fact]
    public async Task DmSentWhileTheConnectionDrops_IsDeliveredExactlyOnce_AfterResume()
    {
        await using var kit = await GatewayTestKit.StartAsync(heartbeatInterval: TimeSpan.FromMilliseconds(300));
        await kit.WaitReadyAsync();
        var before = await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "earlier answer");
        await kit.WaitForMessageAsync("3300000000000000001");

        kit.Gateway.DropConnectionOnNextDispatch();
        await kit.Gateway.SendMessageCreateAsync("3300000000000000002", Ada, "Less context switching");
        await kit.WaitForMessageAsync("3300000000000000002");
        await kit.WaitReadyAsync("the session to be resumed");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000003", Ada, "after the resume");
        await kit.WaitForMessageAsync("3300000000000000003");

        Assert.True(kit.Gateway.Connections[0].Aborted);
        Assert.Null(kit.Gateway.Connections[0].ClientCloseStatus); // no close frame either way: a real drop
        var resume = Assert.Single(kit.Gateway.Resumes);
        Assert.Equal(before, resume.D!["seq"]!.GetValue<long>());
        Assert.Equal(1, kit.Gateway.ReplayedCount);
        Assert.Equal(1, kit.Handler.CountOf("3300000000000000001"));
        Assert.Equal(1, kit.Handler.CountOf("3300000000000000002"));
        Assert.Equal(1, kit.Handler.CountOf("3300000000000000003"));
        var dm = kit.Handler.Received.Single(m => m.MessageId == "3300000000000000002");
        Assert.Equal(new DiscordDirectMessage("3300000000000000002", "2" + Ada, Ada, "Less context switching"), dm);
        Assert.Single(kit.Gateway.Identifies);
    }

    [Fact]
    public async Task AbruptDrop_AfterTheDmArrived_ResumesWithoutReplayingIt()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();
        var seq = await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "arrived");
        await kit.WaitForMessageAsync("3300000000000000001");

        await kit.Gateway.DropConnectionsAsync();
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Resumes.Count == 1, "the RESUME after the drop");
        await kit.WaitReadyAsync("the session to be resumed");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000002", Ada, "next");
        await kit.WaitForMessageAsync("3300000000000000002");

        Assert.Equal(seq, kit.Gateway.Resumes[0].D!["seq"]!.GetValue<long>());
        Assert.Equal(0, kit.Gateway.ReplayedCount);
        Assert.Equal(1, kit.Handler.CountOf("3300000000000000001"));
    }

    [Fact]
    public async Task InvalidSessionNotResumable_WaitsThenIdentifiesAfresh()
    {
        var settings = GatewayTestKit.FastSettings(s =>
        {
            s.InvalidSessionDelayMin = TimeSpan.FromMilliseconds(300);
            s.InvalidSessionDelayMax = TimeSpan.FromMilliseconds(400);
        });
        await using var kit = await GatewayTestKit.StartAsync(settings: settings);
        await kit.WaitReadyAsync();
        var firstSession = kit.Gateway.SessionId;

        var sentAt = kit.Gateway.Elapsed;
        await kit.Gateway.SendInvalidSessionAsync(resumable: false);
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Identifies.Count == 2, "a second IDENTIFY");
        await kit.WaitReadyAsync("the new session");

        Assert.Empty(kit.Gateway.Resumes);
        var second = kit.Gateway.Identifies[1];
        Assert.Equal("conn-2", second.ConnectionId);
        Assert.Equal("/", kit.Gateway.Connections[1].Path); // the Gateway URL, not the resume URL
        Assert.True(second.At - sentAt >= TimeSpan.FromMilliseconds(300), $"identified again after {(second.At - sentAt).TotalMilliseconds:0} ms");
        Assert.NotEqual(firstSession, kit.Client.SessionId);
        Assert.Equal(1, kit.Client.Sequence);
    }

    [Fact]
    public async Task InvalidSessionResumable_Resumes()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();
        var session = kit.Gateway.SessionId;

        await kit.Gateway.SendInvalidSessionAsync(resumable: true);
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Resumes.Count == 1, "a RESUME");
        await kit.WaitReadyAsync("the session to be resumed");

        Assert.Equal(session, kit.Gateway.Resumes[0].D!["session_id"]!.GetValue<string>());
        Assert.Single(kit.Gateway.Identifies);
    }

    [Fact]
    public async Task FatalClose_4004_AuthenticationFailed_StopsWithoutReconnecting()
    {
        await using var kit = await GatewayTestKit.StartAsync(token: "not-the-bot-token." + Guid.NewGuid().ToString("N"));

        var reason = await kit.Run!.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(GatewayStopReason.Fatal, reason);
        Assert.Equal(GatewayStatus.Failed, kit.Client.Status);
        Assert.Equal(4004, Assert.Single(kit.Gateway.Connections).ServerCloseStatus);
        Assert.Equal(1, kit.Client.ConnectionsOpened);
        Assert.Contains(kit.Logs.Entries, e => e.Level == LogLevel.Critical && e.Text.Contains("4004", StringComparison.Ordinal)
            && e.Text.Contains("Discord:BotToken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FatalClose_4014_DisallowedIntents_StopsWithoutReconnecting()
    {
        // MESSAGE_CREATE content needs no privileged intent in DMs; asking for MESSAGE_CONTENT without enabling it is refused.
        await using var kit = await GatewayTestKit.StartAsync(intents: GatewayIntents.DirectMessages | GatewayIntents.MessageContent);

        var reason = await kit.Run!.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(GatewayStopReason.Fatal, reason);
        Assert.Equal(4014, Assert.Single(kit.Gateway.Connections).ServerCloseStatus);
        Assert.Equal(1, kit.Client.ConnectionsOpened);
        Assert.Contains(kit.Logs.Entries, e => e.Level == LogLevel.Critical && e.Text.Contains("4014", StringComparison.Ordinal)
            && e.Text.Contains("Developer Portal", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(4010)]
    [InlineData(4011)]
    [InlineData(4012)]
    [InlineData(4013)]
    public async Task FatalClose_AfterReady_StopsWithoutReconnecting(int code)
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();

        await kit.Gateway.CloseConnectionsAsync(code, "test");
        var reason = await kit.Run!.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(GatewayStopReason.Fatal, reason);
        Assert.Equal(GatewayStatus.Failed, kit.Client.Status);
        Assert.Equal(1, kit.Gateway.ConnectionsOpened);
        Assert.Contains(kit.Logs.Entries, e => e.Level == LogLevel.Critical && e.Text.Contains(code.ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(4007)]
    [InlineData(4009)]
    [InlineData(1000)]
    public async Task SessionEndingClose_IdentifiesAfresh(int code)
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();
        var first = kit.Gateway.SessionId;

        await kit.Gateway.CloseConnectionsAsync(code, "test");
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Identifies.Count == 2, "a fresh IDENTIFY");
        await kit.WaitReadyAsync("the new session");

        Assert.Empty(kit.Gateway.Resumes);
        Assert.Equal(2, Assert.Single(kit.HandshakeFrames("conn-2")).Op); // IDENTIFY first, no RESUME
        Assert.NotEqual(first, kit.Client.SessionId);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(4001)]
    [InlineData(4002)]
    [InlineData(4003)]
    [InlineData(4005)]
    [InlineData(4008)]
    public async Task ResumableClose_Resumes(int code)
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();
        var session = kit.Gateway.SessionId;

        await kit.Gateway.CloseConnectionsAsync(code, "test");
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Resumes.Count == 1, "a RESUME");
        await kit.WaitReadyAsync("the session to be resumed");

        var resume = Assert.Single(kit.HandshakeFrames("conn-2"));
        Assert.Equal(6, resume.Op);
        Assert.Equal(session, resume.D!["session_id"]!.GetValue<string>());
        Assert.Single(kit.Gateway.Identifies);
    }

    [Fact]
    public async Task MessageCreate_OnlyPlainDmsFromPeople_ReachTheHandler()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();

        await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "in a guild channel", guildId: "4400000000000000001");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000002", "2200000000000000009", "a bot talking", authorIsBot: true);
        await kit.Gateway.SendMessageCreateAsync("3300000000000000003", kit.Gateway.BotUserId, "the bot's own prompt");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000004", Ada, "", type: 0);
        await kit.Gateway.SendMessageCreateAsync("3300000000000000005", Ada, "pinned a message", type: 6);
        await kit.Gateway.SendMessageCreateAsync("3300000000000000006", Ada, "a reply", type: 19);
        await kit.Gateway.SendMessageCreateAsync("3300000000000000007", Ada, "Batch email twice a day");
        await kit.WaitForMessageAsync("3300000000000000007");

        // Dispatches are read in order, so every earlier one has been looked at by now.
        Assert.Equal(new[] { "3300000000000000006", "3300000000000000007" }, kit.Handler.Received.Select(m => m.MessageId).Order());
        Assert.Equal(new DiscordDirectMessage("3300000000000000007", "2" + Ada, Ada, "Batch email twice a day"),
            kit.Handler.Received.Single(m => m.MessageId == "3300000000000000007"));
    }

    [Fact]
    public async Task Garbage_FramesAndEvents_AreIgnored_AndTheConnectionKeepsServing()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();

        await kit.Gateway.SendRawAsync("this is not json");
        await kit.Gateway.SendRawAsync("[1,2,3]");
        await kit.Gateway.SendRawAsync("""{"op":0,"t":"MESSAGE_CREATE","d":{"id":5}}""");
        await kit.Gateway.SendRawAsync("""{"op":0,"t":"MESSAGE_CREATE","d":"text"}""");
        await kit.Gateway.SendRawAsync("""{"op":42,"d":null}""");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "still here");
        await kit.WaitForMessageAsync("3300000000000000001");

        Assert.Equal(1, kit.Gateway.ConnectionsOpened);
        Assert.Single(kit.Handler.Received);
        Assert.Equal(2, kit.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Text.Contains("not a JSON payload", StringComparison.Ordinal)));
        Assert.Equal(2, kit.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Text.Contains("malformed MESSAGE_CREATE", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SlowHandler_DoesNotHoldUpTheReadLoop()
    {
        await using var kit = await GatewayTestKit.StartAsync(heartbeatInterval: TimeSpan.FromMilliseconds(100));
        await kit.WaitReadyAsync();
        var release = new TaskCompletionSource();
        kit.Handler.OnMessage = (m, ct) => m.MessageId == "3300000000000000001" ? release.Task.WaitAsync(TimeSpan.FromSeconds(20), ct) : Task.CompletedTask;

        await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "slow to store");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000002", Ada, "next one");
        await kit.WaitForMessageAsync("3300000000000000002");
        // Heartbeats keep being ACKed meanwhile: no zombie, no reconnect.
        var beats = kit.Gateway.Heartbeats.Count;
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Heartbeats.Count >= beats + 2, "heartbeats while the handler is busy");
        release.SetResult();

        Assert.Equal(1, kit.Gateway.ConnectionsOpened);
        Assert.Empty(kit.Gateway.Resumes);
    }

    [Fact]
    public async Task FailingHandler_IsLogged_AndLaterDmsStillArrive()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();
        kit.Handler.OnMessage = (m, _) => m.MessageId == "3300000000000000001" ? throw new InvalidOperationException("store down") : Task.CompletedTask;

        await kit.Gateway.SendMessageCreateAsync("3300000000000000001", Ada, "fails");
        await kit.Gateway.SendMessageCreateAsync("3300000000000000002", Ada, "works");
        await kit.WaitForMessageAsync("3300000000000000002");
        await kit.Gateway.WaitForAsync(() => kit.Logs.Entries.Any(e => e.Level == LogLevel.Error), "the handler failure to be logged");

        var error = kit.Logs.Entries.Single(e => e.Level == LogLevel.Error);
        Assert.Contains("3300000000000000001", error.Text, StringComparison.Ordinal);
        Assert.Equal(1, kit.Gateway.ConnectionsOpened);
    }

    [Fact]
    public async Task Stop_ClosesWith1000_AndEndsTheSession()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();

        var reason = await kit.StopAsync();

        Assert.Equal(GatewayStopReason.Stopped, reason);
        Assert.Equal(GatewayStatus.Stopped, kit.Client.Status);
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Connections[0].ClientCloseStatus is not null, "the client's close frame");
        Assert.Equal(1000, kit.Gateway.Connections[0].ClientCloseStatus);
        Assert.False(kit.Gateway.SessionConnected);
    }

    [Fact]
    public async Task GatewayUrlFailures_AreRetriedWithBackoff()
    {
        await using var kit = await GatewayTestKit.StartAsync(failUrlFetches: 3);

        await kit.WaitReadyAsync();

        Assert.Equal(4, kit.Urls.Calls);
        Assert.Equal(3, kit.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Text.Contains("connection failed", StringComparison.Ordinal)));
        Assert.Equal(1, kit.Gateway.ConnectionsOpened);
    }

    [Fact]
    public async Task UnreachableResumeUrl_GivesUpTheSession_AndIdentifiesAtTheGatewayUrl()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();
        var first = kit.Gateway.SessionId;
        kit.Connector.Refuse(url => url.AbsolutePath == "/resume");

        await kit.Gateway.DropConnectionsAsync();
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Identifies.Count == 2, "a fresh IDENTIFY");
        await kit.WaitReadyAsync("the new session");

        Assert.Equal(3, kit.Connector.Attempts.Count(u => u.AbsolutePath == "/resume")); // MaxResumeAttempts
        Assert.Empty(kit.Gateway.Resumes);
        Assert.NotEqual(first, kit.Client.SessionId);
    }

    [Fact]
    public async Task TheToken_IsNeverLogged_EvenAtTraceLevel()
    {
        await using var kit = await GatewayTestKit.StartAsync(heartbeatInterval: TimeSpan.FromMilliseconds(100));
        await kit.WaitReadyAsync();
        await kit.Gateway.SendReconnectAsync();
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Resumes.Count == 1, "a RESUME");
        await kit.WaitReadyAsync("the session to be resumed");
        await kit.Gateway.SendInvalidSessionAsync(resumable: false);
        await kit.Gateway.WaitForAsync(() => kit.Gateway.Identifies.Count == 2, "a second IDENTIFY");
        await kit.WaitReadyAsync("the new session");
        await kit.StopAsync();

        Assert.NotEmpty(kit.Logs.Entries);
        kit.AssertTokenNeverLogged();
        // The frames that carry the token do not print it either.
        Assert.DoesNotContain(kit.Gateway.ClientFrames, f => f.ToString().Contains(kit.Gateway.BotToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingToken_StopsAtOnce_WithoutConnecting()
    {
        await using var kit = await GatewayTestKit.StartAsync(token: " ");

        var reason = await kit.Run!.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(GatewayStopReason.Fatal, reason);
        Assert.Equal(0, kit.Gateway.ConnectionsOpened);
        Assert.Equal(0, kit.Urls.Calls);
    }

    [Fact]
    public async Task RunAsync_Twice_IsRefused()
    {
        await using var kit = await GatewayTestKit.StartAsync();
        await kit.WaitReadyAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => kit.Client.RunAsync(CancellationToken.None));
    }

    [Fact]
    public void Backoff_DoublesPerFailure_WithJitter_AndIsCapped()
    {
        var baseDelay = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromMinutes(2);

        Assert.Equal(TimeSpan.FromMilliseconds(500), DiscordGatewayClient.Backoff(1, baseDelay, max, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), DiscordGatewayClient.Backoff(1, baseDelay, max, 1));
        Assert.Equal(TimeSpan.FromSeconds(4), DiscordGatewayClient.Backoff(4, baseDelay, max, 0));
        Assert.Equal(TimeSpan.FromSeconds(8), DiscordGatewayClient.Backoff(4, baseDelay, max, 1));
        Assert.Equal(TimeSpan.FromMinutes(1), DiscordGatewayClient.Backoff(50, baseDelay, max, 0));
        Assert.Equal(max, DiscordGatewayClient.Backoff(int.MaxValue, baseDelay, max, 1));
    }

    [Theory]
    [InlineData("wss://gateway.discord.gg/", "wss://gateway.discord.gg/?v=10&encoding=json")]
    [InlineData("wss://gateway-us-east1-b.discord.gg", "wss://gateway-us-east1-b.discord.gg/?v=10&encoding=json")]
    [InlineData("wss://gateway.discord.gg/?v=9&encoding=etf", "wss://gateway.discord.gg/?v=10&encoding=json")]
    [InlineData("ws://127.0.0.1:5000/resume", "ws://127.0.0.1:5000/resume?v=10&encoding=json")]
    public void WithVersion_AsksForV10Json(string url, string expected) =>
        Assert.Equal(expected, DiscordGatewayClient.WithVersion(new Uri(url)).AbsoluteUri);

    [Theory]
    [InlineData(null, "Resume")]
    [InlineData(1001, "Resume")]
    [InlineData(1006, "Resume")]
    [InlineData(4000, "Resume")]
    [InlineData(4008, "Resume")]
    [InlineData(1000, "Identify")]
    [InlineData(4007, "Identify")]
    [InlineData(4009, "Identify")]
    [InlineData(4004, "Stop")]
    [InlineData(4010, "Stop")]
    [InlineData(4011, "Stop")]
    [InlineData(4012, "Stop")]
    [InlineData(4013, "Stop")]
    [InlineData(4014, "Stop")]
    public void CloseCodes_MapToWhatTheDocsSay(int? code, string expected) =>
        Assert.Equal(Enum.Parse<GatewayCloseAction>(expected), GatewayCloseCodes.ActionFor(code));

    [Fact]
    public void Fixtures_IdentifyAndResumeShapes_MatchWhatTheClientSends()
    {
        // The documented examples parse into the client's own models: field names and casing agree.
        var identify = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "gateway_identify_minimal.json")))!;
        var resume = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "gateway_resume.json")))!;
        var sent = System.Text.Json.JsonSerializer.SerializeToNode(new GatewayCommand<IdentifyData>
        {
            Op = 2,
            D = new IdentifyData
            {
                Token = "my_token",
                Intents = 513,
                Properties = new IdentifyProperties { Os = "linux", Browser = "my_library", Device = "my_library" },
            },
        }, GatewayJson.Default.GatewayCommandIdentifyData)!;
        var sentResume = System.Text.Json.JsonSerializer.SerializeToNode(new GatewayCommand<ResumeData>
        {
            Op = 6,
            D = new ResumeData { Token = "my_token", SessionId = "session_id_i_stored", Seq = 1337 },
        }, GatewayJson.Default.GatewayCommandResumeData)!;

        Assert.True(JsonNode.DeepEquals(identify, sent), sent.ToJsonString());
        Assert.True(JsonNode.DeepEquals(resume, sentResume), sentResume.ToJsonString());
    }
}
