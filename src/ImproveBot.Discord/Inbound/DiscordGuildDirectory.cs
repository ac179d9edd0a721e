using System.Collections.Concurrent;
using ImproveBot.Discord.Api;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Inbound;

/// <summary>
/// Server names for team names (interactions carry only the server's id), from <c>GET /guilds/{id}</c> on first contact
/// and again once a day; cached in memory so interactions don't spend the route's budget.
/// </summary>
internal sealed partial class DiscordGuildDirectory(IDiscordApi discord, TimeProvider time, ILogger<DiscordGuildDirectory> logger)
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromDays(1);

    // Only worth waiting for briefly: Discord wants an answer to the interaction within 3 seconds.
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromMilliseconds(1500);

    // After a failed lookup, wait this long before asking again: an outage must not cost every interaction 1.5 s.
    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string? Name, DateTimeOffset RefreshAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The server's name, or null when Discord could not tell us in time (the caller goes on without it).</summary>
    public async Task<string?> NameAsync(string guildId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(guildId, out var cached) && now < cached.RefreshAt) return cached.Name;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(LookupTimeout);
        try
        {
            var guild = await discord.GetGuildAsync(guildId, timeout.Token);
            _cache[guildId] = (guild.Name, now + RefreshAfter);
            return guild.Name;
        }
        catch (Exception ex) when (ex is DiscordApiException or HttpRequestException or ArgumentException
                                       || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogLookupFailed(logger, guildId, ex.Message);
            // Keep a stale name rather than none; remember the failure so the next interactions do not wait again.
            _cache[guildId] = (cached.Name, now + RetryFailedAfter);
            return cached.Name;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GET /guilds/{GuildId} failed; going on without the server's name: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, string guildId, string error);
}
