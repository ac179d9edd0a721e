using System.Numerics;
using System.Text.Json;

namespace ImproveBot.Discord.Inbound;

/// <summary>Interaction types (protocol reference §1).</summary>
internal enum InteractionType
{
    Ping = 1,
    ApplicationCommand = 2,
    MessageComponent = 3,
    Autocomplete = 4,
    ModalSubmit = 5,
}

/// <summary>
/// The fields of an interaction the adapter uses. In a server the person is <c>member.user</c> (with <c>nick</c> and
/// <c>permissions</c>) and there is a <c>guild_id</c>; in a DM there is only <c>user</c>.
/// </summary>
/// <param name="Token">The interaction token: the credential for its follow-up webhook. Never logged.</param>
/// <param name="Permissions">The member's permissions in the channel (a decimal bit set), null in a DM.</param>
/// <param name="Data">The <c>data</c> object (command options, custom id, modal components); undefined when absent.</param>
internal sealed record DiscordInteraction(
    string Id,
    string ApplicationId,
    InteractionType Type,
    string Token,
    string? GuildId,
    string? ChannelId,
    string UserId,
    string DisplayName,
    string? Permissions,
    JsonElement Data)
{
    /// <summary>ADMINISTRATOR (1 &lt;&lt; 3) and MANAGE_GUILD (1 &lt;&lt; 5): either makes someone an admin of the team.</summary>
    private static readonly BigInteger AdminBits = (BigInteger.One << 3) | (BigInteger.One << 5);

    public bool InDirectMessage => GuildId is null;

    /// <summary>Whether the member's permissions include Manage Server or Administrator; false when unknown (a DM).</summary>
    public bool HasAdminPermission =>
        BigInteger.TryParse(Permissions, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits)
        && (bits & AdminBits) != BigInteger.Zero;

    /// <summary>Reads the fields; false with the first problem when a required one is missing or has the wrong type.</summary>
    public static bool TryParse(JsonElement payload, out DiscordInteraction interaction, out string problem)
    {
        interaction = null!;
        problem = "";
        if (payload.ValueKind != JsonValueKind.Object) return Fail("the interaction is not a JSON object", out problem);
        if (!payload.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.Number
            || !typeElement.TryGetInt32(out var type) || !Enum.IsDefined((InteractionType)type))
            return Fail("the interaction has no known type", out problem);

        var user = Property(Property(payload, "member"), "user") is { ValueKind: JsonValueKind.Object } memberUser ? memberUser : Property(payload, "user");
        var id = Text(payload, "id");
        var token = Text(payload, "token");
        var userId = Text(user, "id");
        if ((InteractionType)type != InteractionType.Ping)
        {
            if (!Api.DiscordRoutes.IsSnowflake(id)) return Fail("the interaction has no id", out problem);
            if (string.IsNullOrEmpty(token) || token.Length > 1000) return Fail("the interaction has no token", out problem);
            if (!Api.DiscordRoutes.IsSnowflake(userId)) return Fail("the interaction names no user", out problem);
        }
        var guildId = Text(payload, "guild_id");
        if (guildId is not null && !Api.DiscordRoutes.IsSnowflake(guildId)) return Fail("the guild_id is not an id", out problem);

        var name = FirstNonEmpty(Text(Property(payload, "member"), "nick"), Text(user, "global_name"), Text(user, "username")) ?? userId ?? "";
        interaction = new DiscordInteraction(
            id ?? "",
            Text(payload, "application_id") ?? "",
            (InteractionType)type,
            token ?? "",
            guildId,
            Text(payload, "channel_id"),
            userId ?? "",
            name,
            Text(Property(payload, "member"), "permissions"),
            Property(payload, "data"));
        return true;
    }

    private static bool Fail(string reason, out string problem)
    {
        problem = reason;
        return false;
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
