using System.Text.Json.Nodes;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Discord.Rendering;

/// <summary>Discord's message, embed and component limits the renderers respect (protocol reference §3, §6).</summary>
internal static class DiscordLimits
{
    public const int Content = 2000;
    public const int EmbedsPerMessage = 10;
    public const int EmbedTotal = 6000;
    public const int EmbedTitle = 256;
    public const int EmbedDescription = 4096;
    public const int EmbedFields = 25;
    public const int FieldName = 256;
    public const int FieldValue = 1024;
    public const int FooterText = 2048;
    public const int ActionRows = 5;
    public const int ButtonsPerRow = 5;
    public const int ButtonLabel = 80;
    public const int CustomId = 100;
    public const int ModalTitle = 45;
    public const int ModalComponents = 5;
    public const int LabelText = 45;
    public const int LabelDescription = 100;
    public const int Placeholder = 100;
    public const int TextInputMaxLength = 4000;

    /// <summary>The <c>EPHEMERAL</c> message flag: only the person who acted sees the answer.</summary>
    public const int EphemeralFlag = 64;
}

/// <summary>
/// The custom ids the bot puts on components. In a server, a button's id is the core's action id unchanged. In a DM an
/// interaction carries no server, so DM components carry it: <c>{guild id}|{action id}</c>; that way a person who is in
/// two servers answers the prompt of the server that sent it.
/// </summary>
internal static class DiscordCustomId
{
    public const char Separator = '|';

    public static string For(string actionId, string? tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(actionId);
        var id = tenantId is { Length: > 0 } ? $"{tenantId}{Separator}{actionId}" : actionId;
        if (id.Length <= DiscordLimits.CustomId) return id;
        // The plain id still routes (the tenant is then looked up); a cut one would route nowhere.
        if (actionId.Length <= DiscordLimits.CustomId) return actionId;
        throw new ArgumentException($"Discord custom_id is {actionId.Length} chars; the limit is {DiscordLimits.CustomId}.", nameof(actionId));
    }

    /// <summary>The tenant (when the id carries one) and the core's action id.</summary>
    public static (string? TenantId, string ActionId) Parse(string? customId)
    {
        if (string.IsNullOrEmpty(customId)) return (null, "");
        var at = customId.IndexOf(Separator);
        if (at > 0 && Api.DiscordRoutes.IsSnowflake(customId[..at])) return (customId[..at], customId[(at + 1)..]);
        return (null, customId);
    }
}

/// <summary>Builds Discord component JSON: buttons in action rows (legacy components, so messages keep content and embeds).</summary>
internal static class DiscordComponents
{
    public const int ActionRowType = 1;
    public const int ButtonType = 2;
    public const int TextInputType = 4;
    public const int LabelType = 18;

    /// <summary>
    /// Action rows of at most 5 buttons each, at most 5 rows (25 buttons): more do not fit a message, and no message
    /// the core builds has more. A repeated action id is dropped (Discord wants custom ids unique per message).
    /// </summary>
    public static IEnumerable<JsonObject> ActionRows(IReadOnlyList<ChatAction> actions, string? tenantId) =>
        actions.DistinctBy(a => a.Id, StringComparer.Ordinal)
            .Take(DiscordLimits.ActionRows * DiscordLimits.ButtonsPerRow)
            .Chunk(DiscordLimits.ButtonsPerRow)
            .Select(chunk => new JsonObject
            {
                ["type"] = ActionRowType,
                ["components"] = new JsonArray(chunk.Select(a => (JsonNode)Button(a, tenantId)).ToArray()),
            });

    /// <summary>A button whose <c>custom_id</c> hands the core's action id back; labels are plain text (no Markdown, no mentions).</summary>
    public static JsonObject Button(ChatAction action, string? tenantId)
    {
        ArgumentNullException.ThrowIfNull(action);
        return new JsonObject
        {
            ["type"] = ButtonType,
            ["style"] = action.Style switch
            {
                ChatActionStyle.Primary => 1,
                ChatActionStyle.Danger => 4,
                _ => 2,
            },
            ["label"] = DiscordText.Shorten(action.Label.ReplaceLineEndings(" "), DiscordLimits.ButtonLabel),
            ["custom_id"] = DiscordCustomId.For(action.Id, tenantId),
        };
    }
}
