using System.Collections.Concurrent;
using ImproveBot.Discord.Gateway;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Tests.Gateway;

/// <summary>
/// A <see cref="FakeDiscordGateway"/> and a <see cref="DiscordGatewayClient"/> connected to it over a real WebSocket
/// on 127.0.0.1, with a recording DM handler and captured logs. Real time with short intervals: a reconnect takes
/// milliseconds, and every wait is bounded.
/// </summary>
internal sealed class GatewayTestKit : IAsyncDisposable
{
    /// <summary>Discord's timings scaled down so that tests run in milliseconds.</summary>
    public static GatewayClientSettings FastSettings(Action<FastSettingsBuilder>? change = null)
    {
        var b = new FastSettingsBuilder();
        change?.Invoke(b);
        return new GatewayClientSettings
        {
            IdentifyInterval = b.IdentifyInterval,
            InvalidSessionDelayMin = b.InvalidSessionDelayMin,
            InvalidSessionDelayMax = b.InvalidSessionDelayMax,
            BackoffBase = TimeSpan.FromMilliseconds(20),
            BackoffMax = TimeSpan.FromMilliseconds(200),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            HelloTimeout = TimeSpan.FromSeconds(5),
            CloseTimeout = TimeSpan.FromSeconds(1),
            HandlerDrainTimeout = TimeSpan.FromSeconds(2),
            MaxResumeAttempts = b.MaxResumeAttempts,
            HeartbeatJitter = () => b.Jitter,
        };
    }

    private readonly CancellationTokenSource _stop = new();

    private GatewayTestKit(FakeDiscordGateway gateway, DiscordGatewayClient client, RecordingDirectMessageHandler handler,
        CapturingLoggerProvider logs, CountingUrlSource urls, FlakyConnector connector, string token)
    {
        Gateway = gateway;
        Client = client;
        Handler = handler;
        Logs = logs;
        Urls = urls;
        Connector = connector;
        Token = token;
    }

    public FakeDiscordGateway Gateway { get; }
    public DiscordGatewayClient Client { get; }
    public RecordingDirectMessageHandler Handler { get; }
    public CapturingLoggerProvider Logs { get; }
    public CountingUrlSource Urls { get; }
    public FlakyConnector Connector { get; }

    /// <summary>The token the client identifies with (the fake's own unless a test chose a wrong one).</summary>
    public string Token { get; }

    public Task<GatewayStopReason>? Run { get; private set; }

    /// <param name="heartbeatInterval">HELLO's interval; long by default so heartbeats stay out of tests about other things.</param>
    /// <param name="token">The token the client uses; by default the fake's.</param>
    public static async Task<GatewayTestKit> StartAsync(
        TimeSpan? heartbeatInterval = null,
        GatewayClientSettings? settings = null,
        string? token = null,
        int intents = GatewayIntents.DirectMessages,
        int enabledPrivilegedIntents = 0,
        int failUrlFetches = 0,
        bool run = true)
    {
        var gateway = await FakeDiscordGateway.StartAsync(new FakeDiscordGatewayOptions
        {
            HeartbeatInterval = heartbeatInterval ?? TimeSpan.FromSeconds(5),
            EnabledPrivilegedIntents = enabledPrivilegedIntents,
        });
        var logs = new CapturingLoggerProvider();
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var handler = new RecordingDirectMessageHandler();
        var urls = new CountingUrlSource(gateway.Url, failUrlFetches);
        var connector = new FlakyConnector(new ClientWebSocketGatewayConnector());
        var identityToken = token ?? gateway.BotToken;
        var client = new DiscordGatewayClient(urls, connector, new GatewayIdentity(identityToken, intents), handler,
            settings ?? FastSettings(), TimeProvider.System, factory.CreateLogger<DiscordGatewayClient>());
        var kit = new GatewayTestKit(gateway, client, handler, logs, urls, connector, identityToken);
        if (run) kit.Start();
        return kit;
    }

    public void Start() => Run = Task.Run(() => Client.RunAsync(_stop.Token));

    /// <summary>Waits until the client is ready and the fake has a connection serving its session.</summary>
    public Task WaitReadyAsync(string what = "the client to be ready") =>
        Gateway.WaitForAsync(() => Client.Status == GatewayStatus.Ready && Gateway.SessionConnected && Client.SessionId == Gateway.SessionId, what);

    /// <summary>Waits until the handler got a DM with <paramref name="messageId"/>.</summary>
    public Task WaitForMessageAsync(string messageId) =>
        Gateway.WaitForAsync(() => Handler.Received.Any(m => m.MessageId == messageId), $"DM {messageId} to reach the handler");

    /// <summary>Stops the client (bounded) and returns why it stopped.</summary>
    public async Task<GatewayStopReason> StopAsync()
    {
        await _stop.CancelAsync();
        return await Run!.WaitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>Frames the client sent on <paramref name="connectionId"/> other than heartbeats.</summary>
    public IReadOnlyList<FakeGatewayFrame> HandshakeFrames(string connectionId) =>
        Gateway.ClientFrames.Where(f => f.ConnectionId == connectionId && f.Op != 1).ToArray();

    /// <summary>Fails the test if any log line contains the token, without printing the token.</summary>
    public void AssertTokenNeverLogged()
    {
        if (string.IsNullOrWhiteSpace(Token)) return; // a blank token cannot leak
        var leaks = Logs.Entries.Count(e => e.Text.Contains(Token, StringComparison.Ordinal));
        Assert.True(leaks == 0, $"{leaks} log line(s) contained the bot token");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Run is not null && !Run.IsCompleted) await StopAsync();
        }
        finally
        {
            await Gateway.DisposeAsync();
            _stop.Dispose();
        }
        AssertTokenNeverLogged();
    }

    internal sealed class FastSettingsBuilder
    {
        public TimeSpan IdentifyInterval { get; set; } = TimeSpan.FromMilliseconds(50);
        public TimeSpan InvalidSessionDelayMin { get; set; } = TimeSpan.FromMilliseconds(20);
        public TimeSpan InvalidSessionDelayMax { get; set; } = TimeSpan.FromMilliseconds(60);
        public int MaxResumeAttempts { get; set; } = 3;
        public double Jitter { get; set; } = 0.5;
    }
}

/// <summary>Stands in for <c>GET /gateway/bot</c>: returns the fake's URL, after failing a given number of times.</summary>
internal sealed class CountingUrlSource(Uri url, int failures) : IGatewayUrlSource
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<Uri> GetGatewayUrlAsync(CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        return call <= failures
            ? Task.FromException<Uri>(new HttpRequestException("GET /gateway/bot failed (test)"))
            : Task.FromResult(url);
    }
}

/// <summary>The real connector, which can be told to refuse URLs (e.g. the resume URL) to test fallbacks.</summary>
internal sealed class FlakyConnector(IGatewayConnector inner) : IGatewayConnector
{
    private readonly ConcurrentQueue<Uri> _attempts = new();
    private volatile Func<Uri, bool>? _refuse;

    /// <summary>Every URL a connection was attempted to, in order.</summary>
    public IReadOnlyList<Uri> Attempts => _attempts.ToArray();

    public void Refuse(Func<Uri, bool>? refuse) => _refuse = refuse;

    public Task<IGatewayConnection> ConnectAsync(Uri url, CancellationToken ct)
    {
        _attempts.Enqueue(url);
        return _refuse?.Invoke(url) == true
            ? Task.FromException<IGatewayConnection>(new System.Net.WebSockets.WebSocketException("connection refused (test)"))
            : inner.ConnectAsync(url, ct);
    }
}

/// <summary>Records every DM it is handed; can be made to block or throw.</summary>
internal sealed class RecordingDirectMessageHandler : IDiscordDirectMessageHandler
{
    private readonly ConcurrentQueue<DiscordDirectMessage> _received = new();

    public IReadOnlyList<DiscordDirectMessage> Received => _received.ToArray();

    /// <summary>Runs after recording; lets a test block (bounded) or throw for a given message.</summary>
    public Func<DiscordDirectMessage, CancellationToken, Task>? OnMessage { get; set; }

    public async Task HandleAsync(DiscordDirectMessage message, CancellationToken cancellationToken)
    {
        _received.Enqueue(message);
        if (OnMessage is { } hook) await hook(message, cancellationToken);
    }

    public int CountOf(string messageId) => _received.Count(m => m.MessageId == messageId);
}

/// <summary>Keeps every log line (rendered message and exception) so tests can check what is, and is not, logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Text)> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : " | " + exception)));
    }
}
