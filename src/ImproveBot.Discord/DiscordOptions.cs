using System.ComponentModel.DataAnnotations;

namespace ImproveBot.Discord;

/// <summary>The Discord application's settings. Bound from the <c>Discord</c> section; the bot token comes from the environment.</summary>
internal sealed class DiscordOptions : IValidatableObject
{
    public const string Section = "Discord";

    /// <summary>The application (client) id, used for command registration and follow-up webhooks.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>The application's Ed25519 public key (64 hex characters) that signs interactions.</summary>
    public string? PublicKey { get; set; }

    /// <summary>Bot token for REST and the Gateway. The adapter is on when this is set.</summary>
    public string? BotToken { get; set; }

    /// <summary>REST base URL; tests and proxies point it elsewhere.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://discord.com/api/v10/");

    /// <summary>Keep a Gateway connection so that plain DM replies to the prompt are stored as reflections.</summary>
    public bool UseGateway { get; set; }

    /// <summary>Discord user ids allowed to run admin commands besides members with Manage Server.</summary>
    public List<string>? AdminUserIds { get; set; }

    /// <summary>How far an interaction's timestamp may be from now before it is refused as a replay.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one REST request may take, answer included, before it counts as lost and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        // A bot token is three dot-separated base64url parts; pasting it with its "Bot " prefix is the usual mistake.
        var token = BotToken!;
        if (token.Any(char.IsWhiteSpace) || token.Split('.') is not { Length: 3 } parts || parts.Any(p => p.Length == 0 || !p.All(IsBase64Url)))
            yield return new ValidationResult("Discord:BotToken must be the bot token from the Developer Portal (three dot-separated parts, without \"Bot \").", [nameof(BotToken)]);
        if (string.IsNullOrWhiteSpace(ApplicationId) || !Api.DiscordRoutes.IsSnowflake(ApplicationId))
            yield return new ValidationResult("Discord:ApplicationId must be the application's numeric id.", [nameof(ApplicationId)]);
        if (PublicKey is not { Length: 64 } key || !key.All(char.IsAsciiHexDigit))
            yield return new ValidationResult("Discord:PublicKey must be the application's public key (64 hex characters).", [nameof(PublicKey)]);
        if (!ApiBaseUrl.IsAbsoluteUri || !ApiBaseUrl.AbsoluteUri.EndsWith('/'))
            yield return new ValidationResult("Discord:ApiBaseUrl must be an absolute URL ending in '/'.", [nameof(ApiBaseUrl)]);
        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(2))
            yield return new ValidationResult("Discord:RequestTimeout must be between 00:00:01 and 00:02:00.", [nameof(RequestTimeout)]);
        if (SignatureTolerance < TimeSpan.FromSeconds(5) || SignatureTolerance > TimeSpan.FromHours(1))
            yield return new ValidationResult("Discord:SignatureTolerance must be between 00:00:05 and 01:00:00.", [nameof(SignatureTolerance)]);
        if (AdminUserIds?.FirstOrDefault(id => !Api.DiscordRoutes.IsSnowflake(id)) is { } bad)
            yield return new ValidationResult($"Discord:AdminUserIds must hold Discord user ids (digits); \"{(bad.Length > 24 ? bad[..24] + "…" : bad)}\" is not one.", [nameof(AdminUserIds)]);
    }

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
