using ImproveBot.Slack.Api;

namespace ImproveBot.Slack.Users;

/// <summary>The bot's own Slack identity (<c>auth.test</c>), fetched once: its own DMs must not be read as replies.</summary>
internal sealed class SlackBotIdentity(ISlackApi slack)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SlackIdentity? _identity;

    /// <summary>The identity, or null when Slack cannot be asked right now (callers that only want a nicety go on without it).</summary>
    public async Task<SlackIdentity?> TryGetAsync(CancellationToken ct)
    {
        try
        {
            return await GetAsync(ct);
        }
        catch (Exception ex) when (ex is SlackApiException or HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }

    public async Task<SlackIdentity> GetAsync(CancellationToken ct)
    {
        if (_identity is { } known) return known;
        await _gate.WaitAsync(ct);
        try
        {
            return _identity ??= await slack.AuthTestAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }
}
