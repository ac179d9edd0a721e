using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Gateway;

/// <summary>Where the client is in its life, for health checks and tests.</summary>
internal enum GatewayStatus
{
    NotStarted,
    Connecting,

    /// <summary>HELLO received; IDENTIFY or RESUME sent, READY or RESUMED not yet.</summary>
    Handshaking,

    Ready,
    Stopped,

    /// <summary>Stopped for good by a close code that reconnecting cannot fix (bad token, intents, …).</summary>
    Failed,
}

/// <summary>Why <see cref="DiscordGatewayClient.RunAsync"/> returned.</summary>
internal enum GatewayStopReason
{
    /// <summary>The caller stopped it.</summary>
    Stopped,

    /// <summary>Discord refused the bot in a way retrying cannot fix; the log says what to change.</summary>
    Fatal,
}

/// <summary>
/// The Discord Gateway protocol (protocol reference §5) for one shard: HELLO, heartbeats, IDENTIFY or RESUME,
/// dispatches, and every way a connection ends. Plain DMs (MESSAGE_CREATE without <c>guild_id</c>, not from a bot)
/// go to <see cref="IDiscordDirectMessageHandler"/> off the read loop.
/// </summary>
/// <remarks>
/// <para>One connection at a time. A dropped connection, RECONNECT, INVALID_SESSION <c>d:true</c>, a missed heartbeat
/// ACK and every resumable close code lead to a RESUME on <c>resume_gateway_url</c>, so Discord replays what was
/// missed; 4007, 4009 and INVALID_SESSION <c>d:false</c> start a new session; 4004 and 4010–4014 stop the client.
/// Dispatches whose sequence number was already seen are dropped, so a replay never delivers a DM twice.</para>
/// <para>Reconnects after a failure back off exponentially with jitter; IDENTIFYs are at least
/// <see cref="GatewayClientSettings.IdentifyInterval"/> apart; sends stay within the 120-per-60-s limit. All timing
/// reads the injected <see cref="TimeProvider"/>. The token is only ever written into IDENTIFY and RESUME frames,
/// never into a log line.</para>
/// </remarks>
internal sealed partial class DiscordGatewayClient
{
    private const int MaxOutboundBytes = 4096;
    private const long NoSequence = -1;

    private readonly IGatewayUrlSource _urls;
    private readonly IGatewayConnector _connector;
    private readonly GatewayIdentity _identity;
    private readonly IDiscordDirectMessageHandler _handler;
    private readonly GatewayClientSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<DiscordGatewayClient> _logger;
    private readonly CancellationTokenSource _handlerStop = new();
    private readonly HashSet<Task> _inFlight = [];

    private volatile GatewaySession? _session;
    private long _sequence = NoSequence;
    private Uri? _gatewayUrl;
    private long _lastIdentify;
    private int _status;
    private int _started;
    private int _connectionsOpened;

    public DiscordGatewayClient(
        IGatewayUrlSource urls,
        IGatewayConnector connector,
        GatewayIdentity identity,
        IDiscordDirectMessageHandler handler,
        GatewayClientSettings settings,
        TimeProvider time,
        ILogger<DiscordGatewayClient> logger)
    {
        _urls = urls;
        _connector = connector;
        _identity = identity;
        _handler = handler;
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    public GatewayStatus Status => (GatewayStatus)Volatile.Read(ref _status);

    /// <summary>The current session's id, once READY arrived; null when the next connection must IDENTIFY.</summary>
    public string? SessionId => _session?.SessionId;

    /// <summary>The last dispatch sequence number seen in this session (what a heartbeat or RESUME carries).</summary>
    public long? Sequence => Interlocked.Read(ref _sequence) is var s and >= 0 ? s : null;

    /// <summary>WebSocket connections opened so far.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>
    /// Keeps a Gateway session until <paramref name="ct"/> is cancelled (then closes with 1000, which ends the
    /// session on Discord's side) or Discord refuses the bot for good. Never throws for network or protocol trouble.
    /// </summary>
    public async Task<GatewayStopReason> RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) throw new InvalidOperationException("A Gateway client runs once.");
        if (string.IsNullOrWhiteSpace(_identity.BotToken))
        {
            LogNoToken(_logger);
            SetStatus(GatewayStatus.Failed);
            return GatewayStopReason.Fatal;
        }
        if ((_identity.Intents & GatewayIntents.DirectMessages) == 0) LogNoDirectMessageIntent(_logger, _identity.Intents);
        try
        {
            return await RunLoopAsync(ct);
        }
        finally
        {
            await DrainHandlersAsync();
        }
    }

    private async Task<GatewayStopReason> RunLoopAsync(CancellationToken ct)
    {
        var failures = 0;
        var resumeFailures = 0;
        var delay = TimeSpan.Zero;
        while (true)
        {
            try
            {
                if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, ct);
                ct.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                SetStatus(GatewayStatus.Stopped);
                return GatewayStopReason.Stopped;
            }

            var session = _session;
            ConnectionRun? run = null;
            Outcome outcome;
            SetStatus(GatewayStatus.Connecting);
            try
            {
                var target = session?.ResumeUrl ?? (_gatewayUrl ??= await _urls.GetGatewayUrlAsync(ct));
                var url = WithVersion(target);
                LogConnecting(_logger, url.Host, session is not null);
                await using var connection = await ConnectAsync(url, ct);
                Interlocked.Increment(ref _connectionsOpened);
                run = new ConnectionRun(connection, url,
                    new GatewaySendLimiter(_settings.SendLimit, _settings.SendWindow, _settings.HeartbeatReserve, _time));
                outcome = await RunConnectionAsync(run, session, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                SetStatus(GatewayStatus.Stopped);
                return GatewayStopReason.Stopped;
            }
            catch (Exception ex)
            {
                LogConnectFailed(_logger, failures + 1, ex.Message);
                // The docs: fetch the Gateway URL again only when connecting with the cached one fails.
                if (session is null) _gatewayUrl = null;
                outcome = new Outcome(Next.Resume, "connection failed");
            }

            switch (outcome.Next)
            {
                case Next.Shutdown:
                    SetStatus(GatewayStatus.Stopped);
                    return GatewayStopReason.Stopped;
                case Next.Stop:
                    LogFatalClose(_logger, outcome.CloseCode ?? 0, GatewayCloseCodes.Describe(outcome.CloseCode), outcome.Reason);
                    SetStatus(GatewayStatus.Failed);
                    return GatewayStopReason.Fatal;
                case Next.Identify:
                    _session = null;
                    break;
            }

            var established = run?.Established == true;
            if (established)
            {
                failures = 0;
                resumeFailures = 0;
            }
            else
            {
                failures++;
                // "If the reconnect fails, open a new connection to the cached URL and identify" (Gateway docs).
                if (session is not null && _session is not null && ++resumeFailures >= _settings.MaxResumeAttempts)
                {
                    LogResumeGivenUp(_logger, resumeFailures);
                    _session = null;
                }
            }
            if (_session is null) resumeFailures = 0;

            // A connection that worked reconnects almost at once (jitter only); one that did not backs off.
            delay = established
                ? _settings.BackoffBase * Random.Shared.NextDouble()
                : Backoff(failures, _settings.BackoffBase, _settings.BackoffMax, Random.Shared.NextDouble());
            if (outcome.InvalidSession)
            {
                var wait = _settings.InvalidSessionDelayMin
                    + (_settings.InvalidSessionDelayMax - _settings.InvalidSessionDelayMin) * Random.Shared.NextDouble();
                if (wait > delay) delay = wait;
            }
        }
    }

    /// <summary>
    /// Exponential backoff with jitter: a ceiling of <paramref name="baseDelay"/> doubled per failure (capped at
    /// <paramref name="max"/>), and a delay between half the ceiling and the ceiling.
    /// </summary>
    internal static TimeSpan Backoff(int failures, TimeSpan baseDelay, TimeSpan max, double random)
    {
        var doublings = Math.Clamp(failures - 1, 0, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, doublings));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Math.Clamp(random, 0, 1) * ceiling / 2);
    }

    /// <summary>The URL with the API version and encoding the client speaks; RESUME uses the same on <c>resume_gateway_url</c>.</summary>
    internal static Uri WithVersion(Uri url) =>
        new UriBuilder(url) { Query = $"v={GatewayClientSettings.ApiVersion}&encoding=json" }.Uri;

    private async Task<IGatewayConnection> ConnectAsync(Uri url, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        return await _connector.ConnectAsync(url, linked.Token);
    }

    /// <summary>Runs one connection to its end; on <paramref name="ct"/> closes it with 1000.</summary>
    private async Task<Outcome> RunConnectionAsync(ConnectionRun run, GatewaySession? resume, CancellationToken ct)
    {
        using var lifetime = new CancellationTokenSource();
        var reading = ReadAsync(run, resume, lifetime);
        try
        {
            return await reading.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: 1000 ends the session on Discord's side, and the bot shows as offline at once.
            run.TrySetOutcome(new Outcome(Next.Shutdown, "stopping"));
            await CloseAsync(run, GatewayCloseCodes.NormalClosure, "shutting down");
            await WaitQuietlyAsync(reading, _settings.CloseTimeout); // the server's answering close frame, if it comes
            return new Outcome(Next.Shutdown, "stopping");
        }
        finally
        {
            await lifetime.CancelAsync();
            await WaitQuietlyAsync(reading, _settings.CloseTimeout);
            // The heartbeat loop ends on the cancellation, or after its own bounded close: wait for it before the
            // connection is disposed under it.
            if (run.Heartbeats is { } heartbeats) await WaitQuietlyAsync(heartbeats, _settings.CloseTimeout * 2 + TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Reads frames until the connection ends, and says what to do next. Never throws.</summary>
    private async Task<Outcome> ReadAsync(ConnectionRun run, GatewaySession? resume, CancellationTokenSource lifetime)
    {
        var token = lifetime.Token;
        try
        {
            var first = await run.Connection.ReceiveAsync(token).WaitAsync(_settings.HelloTimeout, _time, token);
            if (first is null) return Closed(run);
            if (!TryParse(first, out var hello) || hello.Op != (int)GatewayOpcode.Hello || ReadInterval(hello) is not { } interval)
            {
                LogNoHello(_logger);
                return new Outcome(Next.Resume, "no HELLO");
            }
            SetStatus(GatewayStatus.Handshaking);
            run.Heartbeats = HeartbeatAsync(run, interval, lifetime);
            if (resume is not null)
                await ResumeAsync(run, resume, token);
            else
                await IdentifyAsync(run, token);

            while (true)
            {
                var text = await run.Connection.ReceiveAsync(token);
                if (text is null) return Closed(run);
                if (!TryParse(text, out var payload))
                {
                    LogBadFrame(_logger);
                    continue;
                }
                if (await HandleAsync(run, payload, token) is { } outcome) return outcome;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return run.Outcome ?? new Outcome(Next.Resume, "connection cancelled");
        }
        catch (Exception ex)
        {
            if (run.Outcome is { } decided) return decided;
            // A drop without a close frame: the session is still there to resume (Gateway docs, "Resuming" case 3).
            LogDropped(_logger, ex.Message);
            return new Outcome(Next.Resume, "connection dropped");
        }
    }

    /// <summary>Handles one frame; returns an outcome when the connection is to end.</summary>
    private async Task<Outcome?> HandleAsync(ConnectionRun run, GatewayPayload payload, CancellationToken ct)
    {
        switch ((GatewayOpcode)payload.Op)
        {
            case GatewayOpcode.Dispatch:
                OnDispatch(run, payload);
                return null;
            case GatewayOpcode.Heartbeat:
                // The server asks for a heartbeat now, outside the interval.
                await SendHeartbeatAsync(run, ct);
                return null;
            case GatewayOpcode.HeartbeatAck:
                run.AwaitingAck = false;
                return null;
            case GatewayOpcode.Reconnect:
                LogReconnectRequested(_logger);
                return await EndConnectionAsync(run, new Outcome(Next.Resume, "RECONNECT"));
            case GatewayOpcode.InvalidSession:
                var resumable = payload.D.ValueKind == JsonValueKind.True;
                LogInvalidSession(_logger, resumable);
                return await EndConnectionAsync(run, resumable
                    ? new Outcome(Next.Resume, "INVALID_SESSION (resumable)")
                    : new Outcome(Next.Identify, "INVALID_SESSION", InvalidSession: true));
            case GatewayOpcode.Hello:
                return null;
            default:
                LogUnknownOpcode(_logger, payload.Op);
                return null;
        }
    }

    private void OnDispatch(ConnectionRun run, GatewayPayload payload)
    {
        if (payload.S is { } s && !AdvanceSequence(s))
        {
            // Seen already in this session (a replay overlapping what arrived before the drop): handled once only.
            LogSkippedSeen(_logger, s, payload.T ?? "?");
            return;
        }
        if (!run.Established) run.Replayed++;
        switch (payload.T)
        {
            case "READY":
                OnReady(run, payload.D);
                break;
            case "RESUMED":
                run.Established = true;
                SetStatus(GatewayStatus.Ready);
                // The dispatches counted before RESUMED were the replay.
                LogResumed(_logger, run.Replayed - 1);
                break;
            case "MESSAGE_CREATE":
                OnMessageCreate(payload.D);
                break;
        }
    }

    private void OnReady(ConnectionRun run, JsonElement d)
    {
        ReadyData? ready = null;
        try
        {
            ready = d.ValueKind == JsonValueKind.Object ? d.Deserialize(GatewayJson.Default.ReadyData) : null;
        }
        catch (JsonException)
        {
        }
        run.Established = true;
        SetStatus(GatewayStatus.Ready);
        if (ready?.SessionId is not { Length: > 0 } sessionId)
        {
            // Without a session id nothing can be resumed; the next connection identifies again.
            LogBadEvent(_logger, "READY");
            _session = null;
            return;
        }
        // The resume URL keeps the version and encoding of the first connection (WithVersion adds them again).
        var resumeUrl = Uri.TryCreate(ready.ResumeGatewayUrl, UriKind.Absolute, out var parsed) ? parsed : run.Url;
        _session = new GatewaySession(sessionId, resumeUrl, ready.User?.Id);
        LogReady(_logger, ready.User?.Id ?? "?");
    }

    private void OnMessageCreate(JsonElement d)
    {
        MessageCreateData? message = null;
        try
        {
            message = d.ValueKind == JsonValueKind.Object ? d.Deserialize(GatewayJson.Default.MessageCreateData) : null;
        }
        catch (JsonException)
        {
        }
        if (message?.Id is not { } id || message.ChannelId is not { } channelId || message.Author?.Id is not { } authorId)
        {
            LogBadEvent(_logger, "MESSAGE_CREATE");
            return;
        }
        // Guild messages arrive only with guild intents; a reply to the prompt is a DM. Bots (this one included) and
        // webhooks are not people answering; system messages (joins, pins, calls) carry no answer.
        var ignore = message.GuildId is not null ? "guild message"
            : message.Author.Bot == true || message.WebhookId is not null ? "from a bot"
            : authorId == _session?.UserId ? "own message"
            : message.Type is not (null or 0 or 19) ? "system message"
            : string.IsNullOrWhiteSpace(message.Content) ? "no text"
            : null;
        if (ignore is not null)
        {
            LogIgnoredMessage(_logger, id, ignore);
            return;
        }
        HandOff(new DiscordDirectMessage(id, channelId, authorId, message.Content!));
    }

    /// <summary>Hands the DM to the handler on the thread pool: the read loop (and so the heartbeat ACKs) never waits for storage.</summary>
    private void HandOff(DiscordDirectMessage message)
    {
        var task = Task.Run(() => DeliverAsync(message));
        lock (_inFlight) _inFlight.Add(task);
        // Registered after Add: a task that already ended is removed at once, not left behind.
        task.ContinueWith(t =>
        {
            lock (_inFlight) _inFlight.Remove(t);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task DeliverAsync(DiscordDirectMessage message)
    {
        try
        {
            await _handler.HandleAsync(message, _handlerStop.Token);
        }
        catch (OperationCanceledException) when (_handlerStop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The Gateway does not redeliver; the handler stores before it does anything else, so this is rare.
            LogHandlerFailed(_logger, message.MessageId, ex);
        }
    }

    private async Task DrainHandlersAsync()
    {
        Task[] pending;
        lock (_inFlight) pending = [.. _inFlight];
        if (pending.Length > 0)
        {
            try
            {
                await Task.WhenAll(pending).WaitAsync(_settings.HandlerDrainTimeout, _time);
            }
            catch (TimeoutException)
            {
                LogDrainTimedOut(_logger, pending.Count(t => !t.IsCompleted));
            }
        }
        await _handlerStop.CancelAsync();
    }

    private async Task IdentifyAsync(ConnectionRun run, CancellationToken ct)
    {
        // Identify concurrency: one IDENTIFY per IdentifyInterval for this bot (max_concurrency 1).
        var last = Interlocked.Read(ref _lastIdentify);
        if (last != 0)
        {
            var wait = _settings.IdentifyInterval - _time.GetElapsedTime(last);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct);
        }
        // A new session numbers its dispatches from 1 again.
        _session = null;
        Interlocked.Exchange(ref _sequence, NoSequence);
        var identify = new GatewayCommand<IdentifyData>
        {
            Op = (int)GatewayOpcode.Identify,
            D = new IdentifyData
            {
                Token = _identity.BotToken,
                Intents = _identity.Intents,
                Properties = new IdentifyProperties { Os = OperatingSystemName(), Browser = _settings.LibraryName, Device = _settings.LibraryName },
            },
        };
        try
        {
            await SendAsync(run, JsonSerializer.SerializeToUtf8Bytes(identify, GatewayJson.Default.GatewayCommandIdentifyData), heartbeat: false, ct);
        }
        finally
        {
            // Counted from when the send finished (or failed): Discord counts IDENTIFYs as they arrive, and a slow
            // send must not make the next one look further apart than it is.
            Interlocked.Exchange(ref _lastIdentify, _time.GetTimestamp());
        }
        LogIdentifying(_logger, _identity.Intents);
    }

    private async Task ResumeAsync(ConnectionRun run, GatewaySession session, CancellationToken ct)
    {
        var seq = Math.Max(0, Interlocked.Read(ref _sequence));
        var resume = new GatewayCommand<ResumeData>
        {
            Op = (int)GatewayOpcode.Resume,
            D = new ResumeData { Token = _identity.BotToken, SessionId = session.SessionId, Seq = seq },
        };
        await SendAsync(run, JsonSerializer.SerializeToUtf8Bytes(resume, GatewayJson.Default.GatewayCommandResumeData), heartbeat: false, ct);
        LogResuming(_logger, seq);
    }

    private async Task HeartbeatAsync(ConnectionRun run, TimeSpan interval, CancellationTokenSource lifetime)
    {
        var token = lifetime.Token;
        try
        {
            // The first beat after interval × jitter, so that clients reconnecting together do not beat together.
            await Task.Delay(interval * Math.Clamp(_settings.HeartbeatJitter(), 0, 1), _time, token);
            while (true)
            {
                if (run.AwaitingAck)
                {
                    // No ACK since the last beat: a zombie connection. Close with a code that keeps the session, then resume.
                    LogZombie(_logger);
                    run.TrySetOutcome(new Outcome(Next.Resume, "no heartbeat ACK"));
                    await CloseAsync(run, GatewayCloseCodes.ClientReconnecting, "no heartbeat ack");
                    await TryCancelAsync(lifetime);
                    return;
                }
                await SendHeartbeatAsync(run, token);
                await Task.Delay(interval, _time, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogHeartbeatFailed(_logger, ex.Message);
            run.TrySetOutcome(new Outcome(Next.Resume, "heartbeat failed"));
            await TryCancelAsync(lifetime);
        }
    }

    private async Task SendHeartbeatAsync(ConnectionRun run, CancellationToken ct)
    {
        var seq = Interlocked.Read(ref _sequence);
        var beat = new GatewayCommand<long?> { Op = (int)GatewayOpcode.Heartbeat, D = seq >= 0 ? seq : null };
        // Set before sending: an ACK may arrive before SendAsync returns.
        run.AwaitingAck = true;
        await SendAsync(run, JsonSerializer.SerializeToUtf8Bytes(beat, GatewayJson.Default.GatewayCommandNullableInt64), heartbeat: true, ct);
    }

    private static async Task SendAsync(ConnectionRun run, byte[] utf8, bool heartbeat, CancellationToken ct)
    {
        // Discord closes with 4002 above 4096 bytes; nothing this client sends comes near, so this is a bug guard.
        if (utf8.Length > MaxOutboundBytes) throw new InvalidOperationException($"Gateway payload of {utf8.Length} bytes exceeds {MaxOutboundBytes}.");
        await run.Limiter.WaitAsync(heartbeat, ct);
        await run.Connection.SendAsync(utf8, ct);
    }

    /// <summary>Decides the outcome, then closes with a code that keeps the session resumable.</summary>
    private async Task<Outcome> EndConnectionAsync(ConnectionRun run, Outcome outcome)
    {
        run.TrySetOutcome(outcome);
        await CloseAsync(run, GatewayCloseCodes.ClientReconnecting, outcome.Reason);
        return run.Outcome!;
    }

    /// <summary>Sends a close frame once per connection; bounded, and a failure just leaves the socket to be dropped.</summary>
    private async Task CloseAsync(ConnectionRun run, int code, string reason)
    {
        if (!run.TryBeginClose()) return;
        using var timeout = new CancellationTokenSource(_settings.CloseTimeout, _time);
        try
        {
            await run.Connection.CloseAsync(code, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Closing politely is a courtesy; disposing the connection drops it either way.
        }
    }

    /// <summary>The server closed the socket: what its close code asks for.</summary>
    private Outcome Closed(ConnectionRun run)
    {
        if (run.Outcome is { } decided) return decided; // our own close, answered
        var code = run.Connection.CloseStatus;
        var action = GatewayCloseCodes.ActionFor(code);
        var description = run.Connection.CloseDescription ?? "";
        if (action != GatewayCloseAction.Stop) LogServerClosed(_logger, code ?? 0, GatewayCloseCodes.Describe(code), description);
        return action switch
        {
            GatewayCloseAction.Stop => new Outcome(Next.Stop, description, code),
            GatewayCloseAction.Identify => new Outcome(Next.Identify, description, code),
            _ => new Outcome(Next.Resume, description, code),
        };
    }

    private bool AdvanceSequence(long s)
    {
        // Only the read loop writes; heartbeats read concurrently.
        if (s <= Interlocked.Read(ref _sequence)) return false;
        Interlocked.Exchange(ref _sequence, s);
        return true;
    }

    private static TimeSpan? ReadInterval(GatewayPayload hello)
    {
        try
        {
            var data = hello.D.ValueKind == JsonValueKind.Object ? hello.D.Deserialize(GatewayJson.Default.HelloData) : null;
            return data is { HeartbeatInterval: > 0 } ? TimeSpan.FromMilliseconds(data.HeartbeatInterval) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryParse(string text, out GatewayPayload payload)
    {
        try
        {
            payload = JsonSerializer.Deserialize(text, GatewayJson.Default.GatewayPayload)!;
            return payload is not null;
        }
        catch (JsonException)
        {
            payload = null!;
            return false;
        }
    }

    private static string OperatingSystemName() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : "unknown";

    private async Task WaitQuietlyAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit, _time);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Bounded on purpose: whatever is left ends when the connection is disposed.
        }
    }

    private static async Task TryCancelAsync(CancellationTokenSource source)
    {
        try
        {
            await source.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The connection is already over.
        }
    }

    private void SetStatus(GatewayStatus status) => Volatile.Write(ref _status, (int)status);

    private enum Next
    {
        Resume,
        Identify,
        Stop,
        Shutdown,
    }

    private sealed record Outcome(Next Next, string Reason, int? CloseCode = null, bool InvalidSession = false);

    private sealed record GatewaySession(string SessionId, Uri ResumeUrl, string? UserId);

    /// <summary>State of one WebSocket connection.</summary>
    private sealed class ConnectionRun(IGatewayConnection connection, Uri url, GatewaySendLimiter limiter)
    {
        private volatile bool _awaitingAck;
        private volatile bool _established;
        private Outcome? _outcome;
        private int _closing;

        public IGatewayConnection Connection => connection;
        public Uri Url => url;
        public GatewaySendLimiter Limiter => limiter;
        public Task? Heartbeats { get; set; }

        /// <summary>Dispatches seen before READY/RESUMED: on a resume, the replay (plus RESUMED itself).</summary>
        public int Replayed { get; set; }

        public bool AwaitingAck
        {
            get => _awaitingAck;
            set => _awaitingAck = value;
        }

        /// <summary>READY or RESUMED arrived: the connection worked.</summary>
        public bool Established
        {
            get => _established;
            set => _established = value;
        }

        /// <summary>What the client decided (RECONNECT, zombie, stop); the first decision wins over whatever the close says.</summary>
        public Outcome? Outcome => Volatile.Read(ref _outcome);

        public void TrySetOutcome(Outcome outcome) => Interlocked.CompareExchange(ref _outcome, outcome, null);

        public bool TryBeginClose() => Interlocked.Exchange(ref _closing, 1) == 0;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Discord Gateway: no bot token configured (Discord:BotToken); not connecting")]
    private static partial void LogNoToken(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord Gateway intents {Intents} lack DIRECT_MESSAGES (4096): DM replies will not arrive")]
    private static partial void LogNoDirectMessageIntent(ILogger logger, int intents);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord Gateway connecting to {Host} (resume: {Resuming})")]
    private static partial void LogConnecting(ILogger logger, string host, bool resuming);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord Gateway connection failed ({Failures} in a row): {Error}")]
    private static partial void LogConnectFailed(ILogger logger, int failures, string error);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Discord Gateway closed with {Code} ({Meaning}) {Reason}. Reconnecting cannot fix this: the Gateway is stopped until the bot is restarted")]
    private static partial void LogFatalClose(ILogger logger, int code, string meaning, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord Gateway could not resume after {Attempts} attempts; starting a new session")]
    private static partial void LogResumeGivenUp(ILogger logger, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord Gateway connection did not start with HELLO; reconnecting")]
    private static partial void LogNoHello(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a Discord Gateway frame that is not a JSON payload")]
    private static partial void LogBadFrame(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord Gateway connection dropped ({Error}); resuming")]
    private static partial void LogDropped(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord asked the Gateway client to reconnect (opcode 7); resuming")]
    private static partial void LogReconnectRequested(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord Gateway session invalid (opcode 9, resumable: {Resumable})")]
    private static partial void LogInvalidSession(ILogger logger, bool resumable);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored Discord Gateway opcode {Op}")]
    private static partial void LogUnknownOpcode(ILogger logger, int op);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped Discord dispatch {Sequence} ({Event}): already seen in this session")]
    private static partial void LogSkippedSeen(ILogger logger, long sequence, string @event);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord Gateway session resumed; {Replayed} missed event(s) replayed")]
    private static partial void LogResumed(ILogger logger, int replayed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord Gateway ready as user {UserId}")]
    private static partial void LogReady(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed {Event} from the Discord Gateway")]
    private static partial void LogBadEvent(ILogger logger, string @event);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored Discord message {MessageId}: {Why}")]
    private static partial void LogIgnoredMessage(ILogger logger, string messageId, string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling Discord DM {MessageId} failed; the Gateway will not deliver it again")]
    private static partial void LogHandlerFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped waiting for {Count} Discord DM handler(s) still running")]
    private static partial void LogDrainTimedOut(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord Gateway identifying with intents {Intents}")]
    private static partial void LogIdentifying(ILogger logger, int intents);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord Gateway resuming from sequence {Sequence}")]
    private static partial void LogResuming(ILogger logger, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord Gateway heartbeat not acknowledged: zombie connection, closing to resume")]
    private static partial void LogZombie(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord Gateway heartbeat failed: {Error}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord Gateway closed by the server with {Code} ({Meaning}) {Reason}")]
    private static partial void LogServerClosed(ILogger logger, int code, string meaning, string reason);
}
