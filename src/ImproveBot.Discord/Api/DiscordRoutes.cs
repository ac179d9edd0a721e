using System.Security.Cryptography;
using System.Text;

namespace ImproveBot.Discord.Api;

/// <summary>
/// One REST request target. <see cref="Name"/> (method + template) names it in logs, errors and fault injection;
/// <see cref="MajorParameter"/> is what Discord keys its buckets by besides the bucket hash (protocol §4: channel,
/// guild, or webhook + token).
/// </summary>
/// <param name="Path">The relative path with the values filled in (may hold an interaction token: never log it).</param>
/// <param name="UsesBotToken">
/// False for interaction webhooks: their token is in the path, the bot token is not sent, and they are exempt from
/// the global limit.
/// </param>
internal sealed record DiscordRoute(HttpMethod Method, string Template, string Path, string MajorParameter, bool UsesBotToken)
{
    public string Name => $"{Method.Method} /{Template}";
}

/// <summary>The routes the client calls (protocol reference §2, §3, §5).</summary>
internal static class DiscordRoutes
{
    public const string CreateDmTemplate = "users/@me/channels";
    public const string CreateMessageTemplate = "channels/{channel_id}/messages";
    public const string GlobalCommandsTemplate = "applications/{application_id}/commands";
    public const string GuildCommandsTemplate = "applications/{application_id}/guilds/{guild_id}/commands";
    public const string EditOriginalTemplate = "webhooks/{application_id}/{interaction_token}/messages/@original";
    public const string GatewayBotTemplate = "gateway/bot";
    public const string GuildTemplate = "guilds/{guild_id}";

    public static DiscordRoute CreateDm() => new(HttpMethod.Post, CreateDmTemplate, CreateDmTemplate, "", UsesBotToken: true);

    public static DiscordRoute CreateMessage(string channelId) =>
        new(HttpMethod.Post, CreateMessageTemplate, $"channels/{Snowflake(channelId)}/messages", channelId, UsesBotToken: true);

    public static DiscordRoute BulkOverwriteCommands(string applicationId, string? guildId) => guildId is null
        ? new(HttpMethod.Put, GlobalCommandsTemplate, $"applications/{Snowflake(applicationId)}/commands", "", UsesBotToken: true)
        : new(HttpMethod.Put, GuildCommandsTemplate, $"applications/{Snowflake(applicationId)}/guilds/{Snowflake(guildId)}/commands", guildId, UsesBotToken: true);

    public static DiscordRoute EditOriginal(string applicationId, string interactionToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(interactionToken);
        // Buckets are per webhook and token; keyed by a hash so the limiter never holds a usable token.
        return new(HttpMethod.Patch, EditOriginalTemplate,
            $"webhooks/{Snowflake(applicationId)}/{Uri.EscapeDataString(interactionToken)}/messages/@original",
            $"{applicationId}:{TokenHash(interactionToken)}", UsesBotToken: false);
    }

    public static DiscordRoute GatewayBot() => new(HttpMethod.Get, GatewayBotTemplate, GatewayBotTemplate, "", UsesBotToken: true);

    public static DiscordRoute Guild(string guildId) =>
        new(HttpMethod.Get, GuildTemplate, $"guilds/{Snowflake(guildId)}", guildId, UsesBotToken: true);

    /// <summary>Ids are digits (snowflakes): anything else would change the path, so it is refused before any request.</summary>
    public static string Snowflake(string id)
    {
        if (!IsSnowflake(id)) throw new ArgumentException($"A Discord id is 1 to 20 digits; got \"{(id?.Length > 24 ? id[..24] + "…" : id)}\".", nameof(id));
        return id;
    }

    public static bool IsSnowflake(string? id) => id is { Length: > 0 and <= 20 } && id.All(char.IsAsciiDigit);

    private static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16];
}
