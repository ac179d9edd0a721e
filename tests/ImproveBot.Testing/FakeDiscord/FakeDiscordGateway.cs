using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Testing.FakeDiscord;

/// <summary>
/// A Discord Gateway stand-in on a real Kestrel WebSocket server at <c>ws://127.0.0.1:&lt;free port&gt;/</c>, built to
/// the team's Discord protocol reference (§5): HELLO with a configurable heartbeat interval, IDENTIFY checked (token,
/// intents) and answered with READY, heartbeats ACKed, dispatches numbered per session and kept for replay, RESUME
/// replaying what was missed before RESUMED, and the close codes Discord uses. Tests drive the rest: stop ACKing,
/// request a heartbeat, send RECONNECT or INVALID_SESSION, close with any code, or drop the TCP connection.
/// </summary>
/// <remarks>
/// Thread-safe: tests read the records while clients talk to it. Every wait is bounded: sends by a few seconds,
/// held resumes by <see cref="FakeDiscordGatewayOptions.ResumeHoldTimeout"/>, <see cref="WaitForAsync"/> by its timeout.
/// Sessions never time out on their own; they end on a client close with 1000/1001, INVALID_SESSION <c>d:false</c>,
/// or a server close that ends sessions (4007, 4009, and the fatal codes).
/// </remarks>
public sealed partial class FakeDiscordGateway : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly FakeDiscordGatewayOptions _options;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private WebApplication? _app;

    private FakeDiscordGateway(FakeDiscordGatewayOptions options) => _options = options;

    /// <summary>What <c>GET /gateway/bot</c> would return as <c>url</c>, e.g. <c>ws://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; private set; } = new("ws://127.0.0.1/");

    /// <summary>READY's <c>resume_gateway_url</c>: the same server on <c>/resume</c>, so tests see which URL a client used.</summary>
    public Uri ResumeUrl => new(Url, "resume");

    public string BotToken => _options.BotToken;
    public string BotUserId => _options.BotUserId;
    public TimeSpan HeartbeatInterval => _options.HeartbeatInterval;

    /// <summary>Time since the fake started, on the same scale as <see cref="FakeGatewayFrame.At"/>.</summary>
    public TimeSpan Elapsed => Now;

    /// <summary>Starts a fake on a free port of 127.0.0.1.</summary>
    public static async Task<FakeDiscordGateway> StartAsync(FakeDiscordGatewayOptions? options = null, CancellationToken ct = default)
    {
        var gateway = new FakeDiscordGateway(options ?? new FakeDiscordGatewayOptions());
        await gateway.StartAppAsync(ct);
        return gateway;
    }

    /// <summary>
    /// Waits (real time, bounded) until <paramref name="condition"/> holds, polling every 10 ms.
    /// </summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/> (default 10 s); the message names <paramref name="what"/>.</exception>
    public async Task WaitForAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultWait;
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            await Task.Delay(10, _stopping.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        List<Connection> all;
        lock (_gate)
        {
            all = [.. _live];
            _live.Clear();
            _resumeGate?.TrySetResult();
        }
        foreach (var connection in all) connection.Socket.Abort();
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(ShutdownTimeout);
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping took too long; disposing below tears the rest down.
            }
            await _app.DisposeAsync();
        }
        _dispatchLock.Dispose();
        _stopping.Dispose();
    }

    private async Task StartAppAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(FakeDiscordGateway).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // No appsettings or environment: a Kestrel section or ASPNETCORE_URLS there must never move the fake off 127.0.0.1.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddRouting();

        var app = builder.Build();
        // Kestrel's own pings would only add traffic next to the Gateway's heartbeats.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/", HandleSocketAsync);
        app.Map("/resume", HandleSocketAsync);
        await app.StartAsync(ct);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri("ws" + address.TrimEnd('/')["http".Length..] + "/");
    }

    private TimeSpan Now => TimeProvider.System.GetElapsedTime(_started);

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate) return list.ToArray();
    }

    private static JsonObject Frame(int op, JsonNode? d, long? s = null, string? t = null) => new()
    {
        ["op"] = op,
        ["d"] = d,
        ["s"] = s,
        ["t"] = t,
    };

    /// <summary>An accepted WebSocket; sends take turns because a WebSocket allows one at a time.</summary>
    private sealed class Connection(string id, WebSocket socket, string path, string query) : IDisposable
    {
        private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public string Id { get; } = id;
        public WebSocket Socket { get; } = socket;
        public string Path { get; } = path;
        public string Query { get; } = query;
        public Session? Session { get; set; }
        public int? ClientCloseStatus { get; set; }
        public string? ClientCloseDescription { get; set; }
        public int? ServerCloseStatus { get; set; }
        public bool Aborted { get; set; }
        public bool Open { get; set; } = true;

        /// <summary>When each client frame arrived, for the 120-per-minute limit.</summary>
        public Queue<TimeSpan> Received { get; } = new();

        public async Task SendAsync(JsonObject frame, CancellationToken ct)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(SendTimeout);
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                await Socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }

        /// <summary>Sends a close frame (bounded); the receive loop then sees the client's answer or the drop.</summary>
        public async Task CloseAsync(int code, string reason)
        {
            using var timeout = new CancellationTokenSource(SendTimeout);
            try
            {
                await _sendLock.WaitAsync(timeout.Token);
                try
                {
                    if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        await Socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                Socket.Abort();
            }
        }

        public FakeGatewayConnection ToRecord() =>
            new(Id, Path, Query, Open, ClientCloseStatus, ClientCloseDescription, ServerCloseStatus, Aborted);

        public void Dispose() => _sendLock.Dispose();
    }

    /// <summary>A Gateway session: its sequence counter, the dispatches kept for replay, and the connection serving it.</summary>
    private sealed class Session(string id)
    {
        public string Id { get; } = id;
        public long Sequence { get; set; }
        public List<(long Sequence, JsonObject Frame)> Buffer { get; } = [];
        public Connection? Connection { get; set; }
        public bool Invalidated { get; set; }
    }
}
