using System.Text.Json.Nodes;
using ImproveBot.Discord.Gateway;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Gateway;

/// <summary>
/// The client's timing with Discord's own numbers (41 s heartbeats, 5 s identify spacing, 1–5 s after an invalid
/// session), on a <see cref="FakeTimeProvider"/> and in-memory connections: time moves only when the test moves it.
/// </summary>
/// <remarks>
/// "Nothing was sent yet" is checked after a short real pause; such a check can only pass wrongly, never fail
/// wrongly, and every positive wait is bounded.
/// </remarks>
public sealed class DiscordGatewayClientTimingTests
{
    private static readonly Uri GatewayUrl = new("wss://gateway.test/");
    private const string ResumeUrl = "wss://resume.gateway.test";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task FirstHeartbeat_ComesAfterIntervalTimesJitter_ThenEveryInterval()
    {
        await using var rig = Rig.Start(jitter: 0.25);
        var start = rig.Clock.GetUtcNow();
        var connection = await rig.HandshakeAsync();

        rig.Clock.Advance(TimeSpan.FromSeconds(9.9));
        await Rig.SettleAsync();
        Assert.False(connection.TryNextSent(out _), "no heartbeat before interval × jitter (10 s)");
        rig.Clock.Advance(TimeSpan.FromSeconds(0.1));
        var first = await connection.NextSentAsync();
        Assert.Equal(1, first.Op);
        Assert.Equal(1, first.D!.GetValue<long>()); // READY's s
        Assert.Equal(TimeSpan.FromSeconds(10), first.At - start);

        connection.SendOp(11);
        connection.Send(Dispatch(2, "TYPING_START", new JsonObject()));
        await rig.WaitForAsync(() => rig.Client.Sequence == 2, "the ACK and dispatch to be read");
        rig.Clock.Advance(Interval - TimeSpan.FromSeconds(0.1));
        await Rig.SettleAsync();
        Assert.False(connection.TryNextSent(out _), "no second heartbeat before a full interval");
        rig.Clock.Advance(TimeSpan.FromSeconds(0.1));
        var second = await connection.NextSentAsync();

        Assert.Equal(1, second.Op);
        Assert.Equal(2, second.D!.GetValue<long>());
        Assert.True(second.At - first.At >= Interval, $"second beat {(second.At - first.At).TotalSeconds:0.0} s after the first");
    }

    [Fact]
    public async Task HeartbeatBeforeAnyDispatch_CarriesNull()
    {
        await using var rig = Rig.Start(jitter: 0);
        var connection = await rig.Connector.NextAsync();
        connection.SendHello(Interval);
        var sent = new[] { await connection.NextSentAsync(), await connection.NextSentAsync() };

        var beat = Assert.Single(sent, f => f.Op == 1);
        Assert.True(beat.Frame.ContainsKey("d"), "a heartbeat always has d");
        Assert.Null(beat.D);
    }

    [Fact]
    public async Task MissedAck_AtTheNextBeat_ClosesWith4000_AndResumesAtTheResumeUrl()
    {
        await using var rig = Rig.Start(jitter: 0.25);
        var connection = await rig.HandshakeAsync();
        rig.Clock.Advance(Interval * 0.25);
        Assert.Equal(1, (await connection.NextSentAsync()).Op); // never ACKed

        rig.Clock.Advance(Interval);
        await rig.WaitForAsync(() => connection.Disposed, "the zombie connection to be dropped");
        var next = await rig.AdvanceUntilAsync(() => rig.Connector.TryNext(out var c) ? c : null, "a new connection");

        Assert.Equal(GatewayCloseCodes.ClientReconnecting, connection.ClientCloseStatus);
        Assert.Equal(ResumeUrl + "/?v=10&encoding=json", next.Url.AbsoluteUri);
        next.SendHello(Interval);
        var resume = await next.NextSentAsync();
        Assert.Equal(6, resume.Op);
        Assert.Equal("session-1", resume.D!["session_id"]!.GetValue<string>());
        Assert.Equal(1, resume.D!["seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task AckedHeartbeats_KeepTheConnection()
    {
        await using var rig = Rig.Start(jitter: 0.5);
        var connection = await rig.HandshakeAsync();

        for (var beat = 0; beat < 3; beat++)
        {
            var sent = await rig.AdvanceUntilAsync(() => connection.TryNextSent(out var f) ? f : null, $"heartbeat {beat + 1}", TimeSpan.FromSeconds(2));
            Assert.Equal(1, sent.Op);
            connection.SendOp(11);
            connection.Send(Dispatch(beat + 2, "TYPING_START", new JsonObject()));
            await rig.WaitForAsync(() => rig.Client.Sequence == beat + 2, "the ACK to be read");
        }

        Assert.False(connection.Disposed);
        Assert.Null(connection.ClientCloseStatus);
        Assert.Single(rig.Connector.Attempts);
    }

    [Fact]
    public async Task InvalidSession_WaitsOneToFiveSeconds_AndIdentifiesNoSoonerThanFiveSecondsAfterTheLast()
    {
        await using var rig = Rig.Start(jitter: 0.99);
        var connection = await rig.HandshakeAsync();
        var firstIdentify = rig.FirstIdentifyAt;

        var invalidAt = rig.Clock.GetUtcNow();
        connection.SendOp(9, false);
        var next = await rig.AdvanceUntilAsync(() => rig.Connector.TryNext(out var c) ? c : null, "a new connection");
        var reconnectedAfter = rig.Connector.Attempts[1].At - invalidAt;
        next.SendHello(Interval);
        var identify = await rig.AdvanceUntilAsync(() => next.TryNextSent(out var f) ? f : null, "the second IDENTIFY");

        // 1–5 s by Discord's advice; the upper bound has slack for a slow test machine, the lower bound has none.
        Assert.True(reconnectedAfter >= TimeSpan.FromSeconds(1), $"reconnected {reconnectedAfter.TotalSeconds:0.00} s after INVALID_SESSION");
        Assert.True(reconnectedAfter <= TimeSpan.FromSeconds(10), $"reconnected {reconnectedAfter.TotalSeconds:0.00} s after INVALID_SESSION");
        Assert.Equal(GatewayUrl.AbsoluteUri + "?v=10&encoding=json", next.Url.AbsoluteUri);
        Assert.Equal(2, identify.Op);
        Assert.True(identify.At - firstIdentify >= TimeSpan.FromSeconds(5), $"identified again {(identify.At - firstIdentify).TotalSeconds:0.00} s after the first");
    }

    [Fact]
    public async Task FailedConnections_BackOffExponentially()
    {
        await using var rig = Rig.Start(jitter: 0.5, refuse: true);

        await rig.AdvanceUntilAsync(() => rig.Connector.Attempts.Count >= 6 ? "done" : null, "six attempts", TimeSpan.FromMilliseconds(500));

        var at = rig.Connector.Attempts.Select(a => a.At).ToArray();
        var gaps = at.Zip(at.Skip(1), (a, b) => b - a).ToArray();
        // Backoff(n) lies between half the ceiling and the ceiling, the ceiling doubling from 1 s: at least 0.5, 1, 2, 4, 8 s.
        for (var n = 0; n < gaps.Length; n++)
            Assert.True(gaps[n] >= TimeSpan.FromSeconds(0.5 * Math.Pow(2, n)), $"gap {n + 1} was {gaps[n].TotalSeconds:0.00} s");
        Assert.All(rig.Connector.Attempts, a => Assert.Equal(GatewayUrl.AbsoluteUri + "?v=10&encoding=json", a.Url.AbsoluteUri));
    }

    [Fact]
    public async Task DispatchSeenBefore_IsNotHandedOverAgain()
    {
        // A replay that overlaps what already arrived (sequence numbers not above the last one) is dropped.
        await using var rig = Rig.Start(jitter: 0.99);
        var connection = await rig.HandshakeAsync();

        connection.Send(Dispatch(2, "MESSAGE_CREATE", Dm("3300000000000000001", "first")));
        connection.Send(Dispatch(2, "MESSAGE_CREATE", Dm("3300000000000000001", "first")));
        connection.Send(Dispatch(3, "MESSAGE_CREATE", Dm("3300000000000000002", "second")));
        await rig.WaitForAsync(() => rig.Handler.Received.Count == 2, "two DMs");
        await Rig.SettleAsync();

        Assert.Equal(new[] { "first", "second" }, rig.Handler.Received.Select(m => m.Content).Order());
        Assert.Equal(3, rig.Client.Sequence);
    }

    private static JsonObject Dispatch(long s, string type, JsonObject d) => new() { ["op"] = 0, ["s"] = s, ["t"] = type, ["d"] = d };

    private static JsonObject Dm(string id, string content) => new()
    {
        ["id"] = id,
        ["channel_id"] = "2500000000000000001",
        ["author"] = new JsonObject { ["id"] = "2200000000000000001", ["username"] = "ada" },
        ["content"] = content,
        ["type"] = 0,
    };

    private sealed class Rig : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        private Rig(FakeTimeProvider clock, ScriptedConnector connector, RecordingDirectMessageHandler handler, DiscordGatewayClient client)
        {
            Clock = clock;
            Connector = connector;
            Handler = handler;
            Client = client;
        }

        public FakeTimeProvider Clock { get; }
        public ScriptedConnector Connector { get; }
        public RecordingDirectMessageHandler Handler { get; }
        public DiscordGatewayClient Client { get; }
        private Task<GatewayStopReason>? Run { get; set; }

        /// <summary>When <see cref="HandshakeAsync"/> saw the client's IDENTIFY sent.</summary>
        public DateTimeOffset FirstIdentifyAt { get; private set; }

        /// <summary>Discord's default settings, with the first-heartbeat jitter fixed.</summary>
        public static Rig Start(double jitter, bool refuse = false)
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
            var connector = new ScriptedConnector(clock) { Refuse = refuse };
            var handler = new RecordingDirectMessageHandler();
            var client = new DiscordGatewayClient(new CountingUrlSource(GatewayUrl, 0), connector,
                new GatewayIdentity("scripted-token", GatewayIntents.DirectMessages), handler,
                new GatewayClientSettings { HeartbeatJitter = () => jitter }, clock,
                LoggerFactory.Create(_ => { }).CreateLogger<DiscordGatewayClient>());
            var rig = new Rig(clock, connector, handler, client);
            rig.Run = Task.Run(() => client.RunAsync(rig._stop.Token));
            return rig;
        }

        /// <summary>HELLO, the client's IDENTIFY, READY (session-1, s=1); returns the ready connection.</summary>
        public async Task<ScriptedConnection> HandshakeAsync()
        {
            var connection = await Connector.NextAsync();
            connection.SendHello(Interval);
            var identify = await connection.NextSentAsync();
            Assert.Equal(2, identify.Op);
            FirstIdentifyAt = identify.At;
            connection.SendReady("session-1", ResumeUrl);
            await WaitForAsync(() => Client.Status == GatewayStatus.Ready, "READY to be read");
            return connection;
        }

        public static Task SettleAsync() => Task.Delay(30);

        public async Task WaitForAsync(Func<bool> condition, string what)
        {
            for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
            Assert.True(condition(), $"Timed out waiting for: {what}");
        }

        /// <summary>
        /// Moves the clock in <paramref name="step"/>s (100 ms by default; at most 600 steps) until <paramref name="probe"/>
        /// yields something. What the client does is stamped with the clock when it happens, so a coarse step only
        /// makes a wait overshoot, never makes a measured gap shorter.
        /// </summary>
        public async Task<T> AdvanceUntilAsync<T>(Func<T?> probe, string what, TimeSpan? step = null) where T : class
        {
            for (var i = 0; i < 600; i++)
            {
                await SettleAsync();
                if (probe() is { } found) return found;
                Clock.Advance(step ?? TimeSpan.FromMilliseconds(100));
            }
            throw new TimeoutException($"Timed out waiting for: {what}");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (Run is not null)
            {
                // Stopping closes the connection; the close wait runs on the fake clock, so move it along.
                for (var i = 0; i < 100 && !Run.IsCompleted; i++)
                {
                    Clock.Advance(TimeSpan.FromSeconds(1));
                    await Task.Delay(10);
                }
                await Run.WaitAsync(TimeSpan.FromSeconds(10));
            }
            _stop.Dispose();
        }
    }
}
