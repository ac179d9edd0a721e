using System.Collections.Concurrent;
using ImproveBot.Core.Diagnostics;
using ImproveBot.Slack.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImproveBot.Slack.Users;

/// <summary>
/// What Slack's profile says about people (time zone, admin), from <c>users.info</c> on first contact and again
/// once a week; cached in memory so a busy workspace does not spend its <c>users.info</c> budget on every command.
/// </summary>
internal sealed partial class SlackUserDirectory(ISlackApi slack, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackUserDirectory> logger)
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromDays(7);

    // users.info is only worth waiting for briefly: Slack wants an answer to the request within 3 seconds.
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromMilliseconds(1500);

    // After a failed lookup, wait this long before asking again: a Slack outage must not cost every command 1.5 s.
    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (SlackUser? User, DateTimeOffset RefreshAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The profile, or null when Slack could not tell us in time (the caller goes on without it).</summary>
    public async Task<SlackUser?> GetAsync(string userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(userId, out var cached) && now < cached.RefreshAt) return cached.User;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(LookupTimeout);
        try
        {
            var user = await slack.GetUserAsync(userId, timeout.Token);
            _cache[userId] = (user, now + RefreshAfter);
            return user;
        }
        catch (Exception ex) when (ex is SlackApiException or HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogLookupFailed(logger, LogValue.Clip(userId), ex.Message);
            // Keep a stale profile rather than none; remember the failure so the next commands do not wait again.
            _cache[userId] = (cached.User, now + RetryFailedAfter);
            return cached.User;
        }
    }

    /// <summary>
    /// Workspace admins and owners administer the team, and so do the ids in <c>Slack:AdminUserIds</c>;
    /// null when the profile is unknown, so a failed lookup does not demote anyone.
    /// </summary>
    public bool? IsAdmin(string userId, SlackUser? user)
    {
        if (options.Value.AdminUserIds?.Contains(userId, StringComparer.Ordinal) == true) return true;
        return user is null ? null : user.IsAdmin || user.IsOwner;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "users.info for {UserId} failed; going on without profile data: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, string userId, string error);
}
