using ImproveBot.Discord.Api;

namespace ImproveBot.Discord.Gateway;

/// <summary>
/// The Gateway URL from <c>GET /gateway/bot</c>, with the query the connection needs (<c>v=10&amp;encoding=json</c>,
/// protocol §5) already set, so the client connects to what this returns as it is. Cached for a while: Discord asks
/// clients to cache it, and a reconnect storm should not turn into a stream of REST calls.
/// </summary>
internal sealed class RestGatewayUrlSource(IDiscordApi discord, TimeProvider time) : IGatewayUrlSource
{
    /// <summary>How long a fetched URL is used before asking again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);

    public const string Query = "v=10&encoding=json";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (Uri Url, DateTimeOffset Until)? _cached;

    public async Task<Uri> GetGatewayUrlAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } hit && time.GetUtcNow() < hit.Until) return hit.Url;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && time.GetUtcNow() < again.Until) return again.Url;
            var bot = await discord.GetGatewayBotAsync(cancellationToken);
            var url = WithQuery(bot.Url);
            _cached = (url, time.GetUtcNow() + CacheFor);
            return url;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The URL with its query replaced by the version and encoding the client speaks.</summary>
    internal static Uri WithQuery(Uri url) => new UriBuilder(url) { Query = Query }.Uri;
}
