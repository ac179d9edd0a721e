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
/// A Discord stand-in on a real Kestrel server at <c>http://127.0.0.1:&lt;free port&gt;</c>, built to the team's Discord
/// protocol reference: the REST routes the bot uses (under <see cref="ApiBaseUrl"/>), strict about authorization, the
/// User-Agent and payload limits (answering Discord's 400/50035 shape), with rate-limit buckets and <c>X-RateLimit-*</c>
/// headers, 429s on demand (per route and global), nonce semantics for message creation, and interaction webhooks.
/// It also plays Discord's other side: <see cref="SendInteractionAsync"/> signs an interaction with the application's
/// key and posts it to the bot, as Discord's servers do. Everything it receives is recorded for assertions.
/// </summary>
/// <remarks>Thread-safe: tests may read records while the code under test calls in. Every wait is bounded.</remarks>
public sealed partial class FakeDiscordServer : IAsyncDisposable
{
    /// <summary>How long an interaction token works for follow-ups (protocol §1).</summary>
    public static readonly TimeSpan InteractionTokenLifetime = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeDiscordOptions _options;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, FakeDiscordUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _guilds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _dmByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Fault>> _faults = new(StringComparer.Ordinal);
    private readonly Queue<Fault> _globalFaults = new();
    private readonly Dictionary<string, (int Count, DateTimeOffset WindowStart)> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Limit, TimeSpan Window)> _bucketLimits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (FakeDiscordMessage Message, DateTimeOffset At)> _nonces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InteractionState> _interactions = new(StringComparer.Ordinal);
    private readonly List<FakeDiscordMessage> _messages = [];
    private readonly List<FakeCommandRegistration> _registrations = [];
    private readonly Dictionary<string, JsonArray> _commands = new(StringComparer.Ordinal);
    private readonly List<FakeWebhookEdit> _webhookEdits = [];
    private readonly List<FakeInteractionResponse> _interactionResponses = [];
    private readonly List<FakeDiscordCall> _calls = [];
    private readonly Dictionary<string, int> _arrivals = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private long _counter;
    private int _nonceHits;

    private readonly Dictionary<string, int> _attemptsByNonce = new(StringComparer.Ordinal);

    private FakeDiscordServer(FakeDiscordOptions options)
    {
        _options = options;
        Faults = options.Faults is { } faults ? new Faults.FaultInjector(faults) : null;
        Signer = new DiscordInteractionSigner();
        GatewayUrl = new Uri("wss://gateway.discord.gg/");
    }

    /// <summary>The random fault injector of <see cref="FakeDiscordOptions.Faults"/>, with what it injected; null when off.</summary>
    public Faults.FaultInjector? Faults { get; }

    /// <summary>How many message creations arrived per nonce, faulted or not: the attempts each message took.</summary>
    public IReadOnlyDictionary<string, int> CreateAttemptsByNonce
    {
        get
        {
            lock (_gate) return new Dictionary<string, int>(_attemptsByNonce, StringComparer.Ordinal);
        }
    }

    /// <summary>Where the fake listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The REST base, e.g. <c>http://127.0.0.1:41234/api/v10/</c>: set <c>Discord:ApiBaseUrl</c> to this.</summary>
    public Uri ApiBaseUrl => new(BaseAddress, "api/v10/");

    public string BotToken => _options.BotToken;
    public string ApplicationId => _options.ApplicationId;
    public string BotUserId => _options.BotUserId;

    /// <summary>The application's key pair: interactions are signed with it; set <c>Discord:PublicKey</c> to <see cref="DiscordInteractionSigner.PublicKeyHex"/>.</summary>
    public DiscordInteractionSigner Signer { get; }

    /// <summary>What <c>GET /gateway/bot</c> answers as its <c>url</c>; a test points it at a fake Gateway.</summary>
    public Uri GatewayUrl { get; set; }

    /// <summary>The fake's clock (see <see cref="FakeDiscordOptions.Time"/>).</summary>
    public TimeProvider Time => _options.Time;

    /// <summary>Starts a fake on a free port of 127.0.0.1.</summary>
    public static async Task<FakeDiscordServer> StartAsync(FakeDiscordOptions? options = null, CancellationToken ct = default)
    {
        var server = new FakeDiscordServer(options ?? new FakeDiscordOptions());
        await server.StartAppAsync(ct);
        return server;
    }

    // ---- the world ------------------------------------------------------------------------------------------

    /// <summary>Adds (or replaces) a person; DMs open only with known people.</summary>
    public FakeDiscordServer AddUser(FakeDiscordUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate) _users[user.Id] = user;
        return this;
    }

    /// <summary>Adds a server (<c>GET /guilds/{id}</c> knows it) and its text channels.</summary>
    public FakeDiscordServer AddGuild(string guildId, string name, params string[] channelIds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(guildId);
        lock (_gate)
        {
            _guilds[guildId] = name;
            foreach (var channel in channelIds) _channels.Add(channel);
        }
        return this;
    }

    public FakeDiscordUser User(string userId)
    {
        lock (_gate) return _users[userId];
    }

    // ---- fault injection ------------------------------------------------------------------------------------

    /// <summary>
    /// The next <paramref name="times"/> requests of <paramref name="route"/> (e.g. <see cref="FakeDiscordRoutes.CreateMessage"/>)
    /// get a 429 with <c>X-RateLimit-Scope: user</c> (or <paramref name="scope"/>), <c>Retry-After</c> and Discord's body.
    /// </summary>
    public void RateLimitNext(string route, int times, TimeSpan retryAfter, string scope = "user") =>
        AddFaults(route, times, new Fault(FaultKind.RateLimit, 429, retryAfter, scope));

    /// <summary>The next <paramref name="times"/> bot-token requests, whatever their route, get a global 429 (<c>X-RateLimit-Global: true</c>).</summary>
    public void RateLimitGloballyNext(int times, TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (_gate)
        {
            for (var i = 0; i < times; i++) _globalFaults.Enqueue(new Fault(FaultKind.RateLimit, 429, retryAfter, "global"));
        }
    }

    /// <summary>The next <paramref name="times"/> requests of <paramref name="route"/> fail with <paramref name="httpStatus"/> (e.g. 500, 502) and a non-JSON body.</summary>
    public void FailNext(string route, int times, int httpStatus)
    {
        if (httpStatus is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(httpStatus), "An HTTP error status (4xx or 5xx).");
        AddFaults(route, times, new Fault(FaultKind.Fail, httpStatus, TimeSpan.Zero, null));
    }

    /// <summary>The next <paramref name="times"/> requests of <paramref name="route"/> are answered normally, after <paramref name="delay"/> of real time.</summary>
    public void DelayNext(string route, int times, TimeSpan delay) =>
        AddFaults(route, times, new Fault(FaultKind.Delay, 200, delay, null));

    /// <summary>Gives a route's buckets another size (per major parameter), e.g. 2 requests per 10 s to test waiting.</summary>
    public void SetBucket(string route, int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate) _bucketLimits[route] = (limit, window);
    }

    // ---- what was received ------------------------------------------------------------------------------------

    /// <summary>Every message created, oldest first (a repeated nonce adds nothing).</summary>
    public IReadOnlyList<FakeDiscordMessage> Messages => Snapshot(_messages);

    public IReadOnlyList<FakeDiscordMessage> MessagesIn(string channelId)
    {
        lock (_gate) return _messages.Where(m => m.ChannelId == channelId).ToArray();
    }

    /// <summary>The messages in a user's DM, oldest first (empty when no DM was opened).</summary>
    public IReadOnlyList<FakeDiscordMessage> DirectMessagesTo(string userId)
    {
        lock (_gate) return _dmByUser.TryGetValue(userId, out var channel) ? _messages.Where(m => m.ChannelId == channel).ToArray() : [];
    }

    /// <summary>User id → DM channel id, for every DM opened.</summary>
    public IReadOnlyDictionary<string, string> DirectMessageChannels
    {
        get
        {
            lock (_gate) return new Dictionary<string, string>(_dmByUser, StringComparer.Ordinal);
        }
    }

    /// <summary>How many message creations were answered with an earlier message because their nonce repeated.</summary>
    public int NonceHits
    {
        get
        {
            lock (_gate) return _nonceHits;
        }
    }

    public IReadOnlyList<FakeCommandRegistration> CommandRegistrations => Snapshot(_registrations);

    /// <summary>The commands now registered, globally (null) or in a server.</summary>
    public JsonArray CommandsOf(string? guildId)
    {
        lock (_gate) return _commands.TryGetValue(guildId ?? "", out var commands) ? commands.DeepClone().AsArray() : [];
    }

    public IReadOnlyList<FakeWebhookEdit> WebhookEdits => Snapshot(_webhookEdits);

    /// <summary>What the bot answered each interaction <see cref="SendInteractionAsync"/> posted, in order.</summary>
    public IReadOnlyList<FakeInteractionResponse> InteractionResponses => Snapshot(_interactionResponses);

    /// <summary>Every answered REST request, faulted or not, in the order they were answered.</summary>
    public IReadOnlyList<FakeDiscordCall> Calls => Snapshot(_calls);

    /// <summary>How many requests for <paramref name="route"/> arrived, counted on arrival (a delayed or abandoned one too).</summary>
    public int CallCount(string route)
    {
        lock (_gate) return _arrivals.GetValueOrDefault(route);
    }

    /// <summary>Forgets recorded calls, messages, edits and responses (the world, nonces, faults and buckets stay).</summary>
    public void ClearRecords()
    {
        lock (_gate)
        {
            _calls.Clear();
            _arrivals.Clear();
            _attemptsByNonce.Clear();
            _messages.Clear();
            _webhookEdits.Clear();
            _interactionResponses.Clear();
            _registrations.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
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
        Signer.Dispose();
        _stopping.Dispose();
    }

    private async Task StartAppAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(FakeDiscordServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // No appsettings or environment: a Kestrel section or ASPNETCORE_URLS there must never move the fake off 127.0.0.1.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.Services.AddRouting();

        var app = builder.Build();
        app.Map("/api/v10/{**path}", HandleRestAsync);
        await app.StartAsync(ct);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    private void AddFaults(string route, int times, Fault fault)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(route);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (_gate)
        {
            if (!_faults.TryGetValue(route, out var queue)) _faults[route] = queue = new Queue<Fault>();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
    }

    private Fault? TakeFault(string route, bool botRoute)
    {
        lock (_gate)
        {
            if (botRoute && _globalFaults.TryDequeue(out var global)) return global;
            return _faults.TryGetValue(route, out var queue) && queue.TryDequeue(out var fault) ? fault : null;
        }
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate) return list.ToArray();
    }

    /// <summary>A fresh snowflake-shaped id (digits), unique within this fake.</summary>
    private string NextId()
    {
        lock (_gate) return $"13{++_counter:D17}";
    }

    private enum FaultKind
    {
        RateLimit,
        Fail,
        Delay,
    }

    private sealed record Fault(FaultKind Kind, int Status, TimeSpan Duration, string? Scope);

    /// <summary>An interaction the fake sent: its token works for 15 minutes, and @original exists once it was answered with 4 or 5.</summary>
    private sealed class InteractionState(string id, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public int? ResponseType { get; set; }
    }
}
