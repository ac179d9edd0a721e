using ImproveBot.Slack.Api;

namespace ImproveBot.Slack.Users;

/// <summary>The bot's own Slack identity (<c>auth.test</c>), fetched once: its own DMs must not be read as replies.</summary>
internal sealed class SlackBotIdentity(ISlackApi slack)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SlackIdentity? _identity;

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
