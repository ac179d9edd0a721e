namespace ImproveBot.Discord.Gateway;

/// <summary>
/// The Gateway client's timings and limits. The defaults are Discord's documented values (protocol reference §5);
/// tests shorten them so that a reconnect takes milliseconds instead of seconds.
/// </summary>
internal sealed class GatewayClientSettings
{
    /// <summary>The API version asked for in the connection URL (<c>?v=10&amp;encoding=json</c>).</summary>
    public const int ApiVersion = 10;

    /// <summary>Events per connection per <see cref="SendWindow"/> (120 per 60 s).</summary>
    public int SendLimit { get; init; } = 120;

    public TimeSpan SendWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Places in the send window only heartbeats may use.</summary>
    public int HeartbeatReserve { get; init; } = 5;

    /// <summary>Least time between two IDENTIFYs: <c>max_concurrency</c> (1 for a bot this size) per 5 s.</summary>
    public TimeSpan IdentifyInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After INVALID_SESSION with <c>d:false</c>, wait a random time in this range before identifying again (1–5 s).</summary>
    public TimeSpan InvalidSessionDelayMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan InvalidSessionDelayMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reconnect backoff after failures: doubles from this, with jitter, up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long opening the WebSocket may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for HELLO after connecting.</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a close handshake may take before the socket is simply dropped.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long stopping waits for DMs already handed to the handler.</summary>
    public TimeSpan HandlerDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed attempts to reach <c>resume_gateway_url</c> before giving the session up and identifying afresh.</summary>
    public int MaxResumeAttempts { get; init; } = 3;

    /// <summary>The random fraction in [0, 1) that delays the first heartbeat; tests fix it.</summary>
    public Func<double> HeartbeatJitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>IDENTIFY's <c>properties.browser</c> and <c>properties.device</c>: the library's name.</summary>
    public string LibraryName { get; init; } = "ImproveBot";
}
