using System.ComponentModel.DataAnnotations;

namespace ImproveBot.Slack;

/// <summary>The Slack app's settings. Bound from the <c>Slack</c> section; tokens and the signing secret come from the environment.</summary>
internal sealed class SlackOptions : IValidatableObject
{
    public const string Section = "Slack";

    /// <summary>Bot token (<c>xoxb-…</c>) for the Web API. The adapter is on when this is set.</summary>
    public string? BotToken { get; set; }

    /// <summary>Signing secret for HTTP requests from Slack. Without it every HTTP request is refused (fail closed).</summary>
    public string? SigningSecret { get; set; }

    /// <summary>App-level token (<c>xapp-…</c>); when set, Socket Mode connections are opened.</summary>
    public string? AppToken { get; set; }

    /// <summary>Web API base URL; tests and proxies point it elsewhere.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>How many Socket Mode connections this instance keeps (Slack spreads envelopes across them).</summary>
    [Range(1, 10)]
    public int SocketConnections { get; set; } = 1;

    /// <summary>
    /// Divides the windows of the client-side rate limits (60 = Slack's per-minute budgets per second). Only for load
    /// tests against a fake Slack that enforces the same scaled limits; against Slack it stays 1.
    /// </summary>
    [Range(1, 1000)]
    public double RateLimitScale { get; set; } = 1;

    /// <summary>
    /// How long one Web API request may take, answer included, before it counts as lost and is retried (or, for
    /// <c>chat.postMessage</c>, handed back to the outbox). Slack answers in well under a second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00", ErrorMessage = "Slack:RequestTimeout must be between 00:00:01 and 00:02:00.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Slack user ids allowed to run admin commands besides workspace admins and owners.</summary>
    public List<string>? AdminUserIds { get; set; }

    /// <summary>How far a request's timestamp may be from now before it is refused as a replay.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        if (!BotToken!.StartsWith("xoxb-", StringComparison.Ordinal))
            yield return new ValidationResult("Slack:BotToken must be a bot token (xoxb-…).", [nameof(BotToken)]);
        if (AppToken is { Length: > 0 } app && !app.StartsWith("xapp-", StringComparison.Ordinal))
            yield return new ValidationResult("Slack:AppToken must be an app-level token (xapp-…).", [nameof(AppToken)]);
        if (string.IsNullOrWhiteSpace(SigningSecret) && string.IsNullOrWhiteSpace(AppToken))
            yield return new ValidationResult("Set Slack:SigningSecret (HTTP mode) or Slack:AppToken (Socket Mode).", [nameof(SigningSecret)]);
        if (!ApiBaseUrl.IsAbsoluteUri || !ApiBaseUrl.AbsoluteUri.EndsWith('/'))
            yield return new ValidationResult("Slack:ApiBaseUrl must be an absolute URL ending in '/'.", [nameof(ApiBaseUrl)]);
    }
}
