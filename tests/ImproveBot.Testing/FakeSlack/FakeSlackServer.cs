using System.Collections.ObjectModel;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Testing.FakeSlack;

/// <summary>
/// A Slack stand-in on a real Kestrel server at <c>http://127.0.0.1:&lt;free port&gt;</c>, built to the team's Slack
/// protocol reference: the Web API methods the bot uses (under <see cref="ApiBaseUrl"/>), response_url webhooks and
/// Socket Mode. It answers like Slack does (HTTP 200 with <c>ok:false</c> for errors, 429 with <c>Retry-After</c>),
/// can be told to fail on demand, and records what it received for assertions.
/// </summary>
/// <remarks>
/// Thread-safe: tests may read records while the code under test calls in. Every wait is bounded: socket acks by
/// <see cref="FakeSlackOptions.AckTimeout"/>, sends and shutdown by a few seconds.
/// </remarks>
public sealed partial class FakeSlackServer : IAsyncDisposable
{
    /// <summary>The method name under which <see cref="RateLimitNext"/> and <see cref="FailNext"/> target response_url POSTs.</summary>
    public const string ResponseUrlMethod = "response_url";

    /// <summary>How long a trigger id can be exchanged (protocol §4).</summary>
    public static readonly TimeSpan TriggerIdLifetime = TimeSpan.FromSeconds(3);

    /// <summary>How long a response_url takes posts, and how many (protocol §2).</summary>
    public static readonly TimeSpan ResponseUrlLifetime = TimeSpan.FromMinutes(30);

    public const int ResponseUrlMaxUses = 5;

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeSlackOptions _options;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, FakeSlackUser> _users = new(StringComparer.Ordinal);
    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _dmByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Fault>> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TriggerState> _triggers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResponseUrlState> _responseUrls = new(StringComparer.Ordinal);
    private readonly List<PostedMessage> _messages = [];
    private readonly List<OpenedView> _views = [];
    private readonly List<ResponseUrlPost> _responsePosts = [];
    private readonly List<FakeSlackCall> _calls = [];
    private readonly Dictionary<string, int> _arrivals = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private long _counter;

    private readonly Dictionary<string, int> _postAttempts = new(StringComparer.Ordinal);

    private FakeSlackServer(FakeSlackOptions options)
    {
        _options = options;
        Faults = options.Faults is { } faults ? new Faults.FaultInjector(faults) : null;
    }

    /// <summary>The random fault injector of <see cref="FakeSlackOptions.Faults"/>, with what it injected; null when off.</summary>
    public Faults.FaultInjector? Faults { get; }

    /// <summary>
    /// How many <c>chat.postMessage</c> requests arrived per outbox message part (<c>{key}#{part}</c> from the message
    /// metadata), faulted or not: the attempts each message took.
    /// </summary>
    public IReadOnlyDictionary<string, int> PostAttemptsByKey
    {
        get
        {
            lock (_gate) return new Dictionary<string, int>(_postAttempts, StringComparer.Ordinal);
        }
    }

    /// <summary>Where the fake listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The Web API base, e.g. <c>http://127.0.0.1:41234/api/</c>: set <c>Slack:ApiBaseUrl</c> to this.</summary>
    public Uri ApiBaseUrl => new(BaseAddress, "api/");

    public string BotToken => _options.BotToken;
    public string AppToken => _options.AppToken;
    public string TeamId => _options.TeamId;
    public string TeamName => _options.TeamName;
    public string BotUserId => _options.BotUserId;
    public string BotId => _options.BotId;
    public string AppId => _options.AppId;

    /// <summary>The fake's clock (see <see cref="FakeSlackOptions.Time"/>).</summary>
    public TimeProvider Time => _options.Time;

    /// <summary>Starts a fake on a free port of 127.0.0.1.</summary>
    public static async Task<FakeSlackServer> StartAsync(FakeSlackOptions? options = null, CancellationToken ct = default)
    {
        var server = new FakeSlackServer(options ?? new FakeSlackOptions());
        await server.StartAppAsync(ct);
        return server;
    }

    // ---- the workspace ------------------------------------------------------------------------------------

    /// <summary>Adds (or replaces) a person; <c>users.info</c> and <c>conversations.open</c> know only these.</summary>
    public FakeSlackServer AddUser(FakeSlackUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate) _users[user.Id] = user;
        return this;
    }

    /// <summary>Adds a channel <c>chat.postMessage</c> accepts (e.g. the team channel <c>C…</c>). DM channels come from <c>conversations.open</c>.</summary>
    public FakeSlackServer AddChannel(string channelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channelId);
        lock (_gate) _channels.Add(channelId);
        return this;
    }

    /// <summary>A fresh trigger id, as an interaction payload would carry it: valid for 3 s on the fake's clock, once.</summary>
    public string MintTriggerId(string? userId = null)
    {
        lock (_gate)
        {
            var n = ++_counter;
            var id = $"{n}.{Math.Abs(_options.TeamId.GetHashCode(StringComparison.Ordinal))}.{Guid.NewGuid():N}";
            _triggers[id] = new TriggerState(_options.Time.GetUtcNow(), userId);
            return id;
        }
    }

    /// <summary>A fresh response_url on this fake: 30 minutes on the fake's clock, at most 5 posts.</summary>
    public Uri MintResponseUrl()
    {
        var id = Guid.NewGuid().ToString("N");
        lock (_gate) _responseUrls[id] = new ResponseUrlState(_options.Time.GetUtcNow());
        return new Uri(BaseAddress, $"respond/{id}");
    }

    // ---- fault injection ------------------------------------------------------------------------------------

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> get HTTP 429, <c>Retry-After</c> (whole seconds, rounded up) and <c>{"ok":false,"error":"ratelimited"}</c>.</summary>
    public void RateLimitNext(string method, int times, TimeSpan retryAfter) =>
        AddFaults(method, times, new Fault(FaultKind.RateLimit, 429, retryAfter));

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> fail with <paramref name="httpStatus"/> (e.g. 500, 502, 503) and a non-JSON body.</summary>
    public void FailNext(string method, int times, int httpStatus)
    {
        if (httpStatus is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(httpStatus), "An HTTP error status (4xx or 5xx).");
        AddFaults(method, times, new Fault(FaultKind.Fail, httpStatus, TimeSpan.Zero));
    }

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> are answered normally, but only after <paramref name="delay"/> of real time (to test client timeouts).</summary>
    public void DelayNext(string method, int times, TimeSpan delay) =>
        AddFaults(method, times, new Fault(FaultKind.Delay, 200, delay));

    /// <summary>
    /// The next call of <paramref name="method"/> gets <paramref name="answer"/> as its body (HTTP 200, no token check),
    /// e.g. a recorded Slack payload such as a fixture. Everything else about the call is skipped.
    /// </summary>
    public void AnswerNext(string method, JsonObject answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        AddFaults(method, 1, new Fault(FaultKind.Canned, 200, TimeSpan.Zero, answer.DeepClone().AsObject()));
    }

    // ---- what was received ------------------------------------------------------------------------------------

    /// <summary>Every accepted <c>chat.postMessage</c>, oldest first.</summary>
    public IReadOnlyList<PostedMessage> PostedMessages => Snapshot(_messages);

    public IReadOnlyList<PostedMessage> MessagesIn(string channel)
    {
        lock (_gate) return _messages.Where(m => m.Channel == channel).ToArray();
    }

    /// <summary>Every accepted <c>views.open</c>, oldest first.</summary>
    public IReadOnlyList<OpenedView> OpenedViews => Snapshot(_views);

    /// <summary>Every accepted POST to a minted response_url, oldest first.</summary>
    public IReadOnlyList<ResponseUrlPost> ResponseUrlPosts => Snapshot(_responsePosts);

    /// <summary>Every answered request, faulted or not, in the order they were answered.</summary>
    public IReadOnlyList<FakeSlackCall> Calls => Snapshot(_calls);

    /// <summary>
    /// How many requests for <paramref name="method"/> arrived, counted on arrival: a request still waiting on
    /// <see cref="DelayNext"/>, or abandoned by its client, counts too.
    /// </summary>
    public int CallCount(string method)
    {
        lock (_gate) return _arrivals.GetValueOrDefault(method);
    }

    /// <summary>User id → DM channel id, for every DM <c>conversations.open</c> created.</summary>
    public IReadOnlyDictionary<string, string> DirectMessageChannels
    {
        get
        {
            lock (_gate) return new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(_dmByUser, StringComparer.Ordinal));
        }
    }

    /// <summary>The user a DM channel belongs to, or null.</summary>
    public string? UserOfDirectMessage(string channelId)
    {
        lock (_gate) return _dmByUser.FirstOrDefault(kv => kv.Value == channelId).Key;
    }

    /// <summary>Forgets recorded calls, messages, views, response posts and acks (the workspace and faults stay).</summary>
    public void ClearRecords()
    {
        lock (_gate)
        {
            _calls.Clear();
            _arrivals.Clear();
            _postAttempts.Clear();
            _messages.Clear();
            _views.Clear();
            _responsePosts.Clear();
            _acks.Clear();
            _clientFrames.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        AbortAllSockets();
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
        _stopping.Dispose();
    }

    private async Task StartAppAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(FakeSlackServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // No appsettings or environment: a Kestrel section or ASPNETCORE_URLS there must never move the fake off 127.0.0.1.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(); // somewhere for UseUrls to write
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Views may be 250 kB; nothing the bot sends legitimately comes near this.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.Services.AddRouting();

        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/api/{method}", HandleApiAsync);
        app.Map("/respond/{id}", HandleResponseUrlAsync);
        app.Map("/socket", HandleSocketAsync);
        await app.StartAsync(ct);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    private void AddFaults(string method, int times, Fault fault)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (_gate)
        {
            if (!_faults.TryGetValue(method, out var queue)) _faults[method] = queue = new Queue<Fault>();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
    }

    private Fault? TakeFault(string method)
    {
        lock (_gate) return _faults.TryGetValue(method, out var queue) && queue.TryDequeue(out var fault) ? fault : null;
    }

    private void CountArrival(string method)
    {
        lock (_gate) _arrivals[method] = _arrivals.GetValueOrDefault(method) + 1;
    }

    private void Record(string method, DateTimeOffset at, int status, string? error, HttpRequest request)
    {
        var call = new FakeSlackCall(method, at, status, error, request.ContentType, request.Headers.Authorization.Count > 0);
        lock (_gate) _calls.Add(call);
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate) return list.ToArray();
    }

    private string NextId(string prefix)
    {
        lock (_gate) return $"{prefix}{++_counter:D8}";
    }

    private enum FaultKind
    {
        RateLimit,
        Fail,
        Delay,
        Canned,
    }

    private sealed record Fault(FaultKind Kind, int Status, TimeSpan Duration, JsonObject? Answer = null);

    private sealed record TriggerState(DateTimeOffset MintedAt, string? UserId)
    {
        public bool Used { get; set; }
    }

    private sealed record ResponseUrlState(DateTimeOffset MintedAt)
    {
        public int Uses { get; set; }
    }
}
