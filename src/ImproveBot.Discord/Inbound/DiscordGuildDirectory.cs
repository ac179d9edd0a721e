using System.Collections.Concurrent;
using ImproveBot.Discord.Api;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Inbound;

/// <summary>
/// Server names for team names (interactions carry only the server's id), from <c>GET /guilds/{id}</c> on first contact
/// and again once a day; cached in memory so interactions don't spend the route's budget.
/// </summary>
/// <remarks>
/// One lookup per server at a time: a burst of first interactions from a new server shares it rather than each
/// spending the route's budget (and queueing behind its 429s past Discord's 3-second deadline). A known name that is
/// due for refresh is answered at once while the refresh runs behind it.
/// </remarks>
internal sealed partial class DiscordGuildDirectory(IDiscordApi discord, TimeProvider time, ILogger<DiscordGuildDirectory> logger)
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromDays(1);

    // Only worth waiting for briefly: Discord wants an answer to the interaction within 3 seconds.
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromMilliseconds(1500);

    // After a failed lookup, wait this long before asking again: an outage must not cost every interaction 1.5 s.
    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string? Name, DateTimeOffset RefreshAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<string?>> _lookups = new(StringComparer.Ordinal);

    /// <summary>The server's name, or null when Discord could not tell us in time (the caller goes on without it).</summary>
    public Task<string?> NameAsync(string guildId, CancellationToken ct)
    {
        if (_cache.TryGetValue(guildId, out var cached))
        {
            if (time.GetUtcNow() < cached.RefreshAt) return Task.FromResult(cached.Name);
            if (cached.Name is not null)
            {
                _ = Lookup(guildId);
                return Task.FromResult<string?>(cached.Name);
            }
        }
        return Lookup(guildId).WaitAsync(ct);
    }

    /// <summary>The running lookup for the server, or a new one; it never throws (a failure yields the stale name).</summary>
    private Task<string?> Lookup(string guildId)
    {
        var mine = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _lookups.GetOrAdd(guildId, mine.Task);
        if (running == mine.Task) _ = RunLookupAsync(guildId, mine);
        return running;
    }

    private async Task RunLookupAsync(string guildId, TaskCompletionSource<string?> result)
    {
        _cache.TryGetValue(guildId, out var cached);
        // Shared by every waiter, so no one caller's cancellation may end it: only its own timeout does.
        using var timeout = new CancellationTokenSource(LookupTimeout, time);
        string? name;
        try
        {
            var guild = await discord.GetGuildAsync(guildId, timeout.Token);
            _cache[guildId] = (guild.Name, time.GetUtcNow() + RefreshAfter);
            name = guild.Name;
        }
        catch (Exception ex)
        {
            // Whatever went wrong (an API error, a timeout, a bad answer): the waiters get the stale name, never a fault.
            LogLookupFailed(logger, guildId, ex.Message);
            // Keep a stale name rather than none; remember the failure so the next interactions do not wait again.
            _cache[guildId] = (cached.Name, time.GetUtcNow() + RetryFailedAfter);
            name = cached.Name;
        }
        _lookups.TryRemove(new KeyValuePair<string, Task<string?>>(guildId, result.Task));
        result.SetResult(name);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GET /guilds/{GuildId} failed; going on without the server's name: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, string guildId, string error);
}
