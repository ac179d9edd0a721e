using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImproveBot.Slack.Rendering;

/// <summary>
/// Reads a <c>view_submission</c>'s view. The payload is signed by Slack, but its shape is still not ours to trust:
/// nothing here throws on odd input, it just finds less.
/// </summary>
internal static class SlackViewSubmission
{
    /// <summary>More input blocks than a modal can hold means the payload is not one of ours; stop reading there.</summary>
    private const int MaxBlocks = BlockKitLimits.BlocksPerView;

    /// <summary>
    /// The view's <c>callback_id</c> (empty when missing) and its values, keyed by <c>block_id</c>, from
    /// <c>view.state.values[block_id][action_id].value</c>. Our modals use the field id for both ids, so the keys are
    /// the core's field ids. A field left empty (<c>value: null</c> or no value) reads as <c>""</c>, so every block
    /// of the view is listed; a block with several elements gives the one whose <c>action_id</c> equals its
    /// <c>block_id</c>, else its first. Accepts the whole interaction payload too (it reads its <c>view</c>).
    /// </summary>
    public static (string CallbackId, IReadOnlyDictionary<string, string> Values) ReadValues(JsonElement view)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (view.ValueKind != JsonValueKind.Object) return ("", values);
        if (!Has(view, "state") && Property(view, "view") is { ValueKind: JsonValueKind.Object } inner) view = inner;

        var callbackId = String(Property(view, "callback_id")) ?? "";
        if (Property(Property(view, "state"), "values") is not { ValueKind: JsonValueKind.Object } state) return (callbackId, values);

        foreach (var block in state.EnumerateObject())
        {
            if (values.Count >= MaxBlocks) break;
            if (block.Name.Length == 0 || values.ContainsKey(block.Name) || block.Value.ValueKind != JsonValueKind.Object) continue;
            JsonElement? chosen = null;
            foreach (var action in block.Value.EnumerateObject())
            {
                if (action.Value.ValueKind != JsonValueKind.Object) continue;
                if (action.Name == block.Name) { chosen = action.Value; break; }
                chosen ??= action.Value;
            }
            if (chosen is { } element) values[block.Name] = String(Property(element, "value")) ?? "";
        }
        return (callbackId, values);
    }

    /// <summary>What <see cref="SlackReplies.Modal"/> put in <c>private_metadata</c>; null when it is missing or not ours.</summary>
    public static SlackModalMetadata? ReadMetadata(JsonElement view)
    {
        if (view.ValueKind != JsonValueKind.Object) return null;
        if (!Has(view, "private_metadata") && Property(view, "view") is { ValueKind: JsonValueKind.Object } inner) view = inner;
        return SlackModalMetadata.Read(String(Property(view, "private_metadata")));
    }

    private static bool Has(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out _);

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? String(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() : null;
}

/// <summary>
/// The modal's <c>private_metadata</c>: the submit action (also the <c>callback_id</c>, kept here so a view can be
/// checked against it) and the channel the request came from, for the confirmation. Small JSON, ≤ 3,000 chars.
/// </summary>
internal sealed record SlackModalMetadata(string Action, string? ChannelId)
{
    public static string Write(string action, string? channelId)
    {
        var json = new JsonObject { ["action"] = action };
        // Slack channel ids are short; anything else is not a channel id and is not worth the room.
        if (channelId is { Length: > 0 and <= BlockKitLimits.Id }) json["channel"] = channelId;
        var text = json.ToJsonString();
        return text.Length <= BlockKitLimits.PrivateMetadata
            ? text
            : throw new ArgumentException($"private_metadata would be {text.Length} chars; the limit is {BlockKitLimits.PrivateMetadata}.", nameof(action));
    }

    public static SlackModalMetadata? Read(string? metadata)
    {
        if (string.IsNullOrEmpty(metadata) || metadata.Length > BlockKitLimits.PrivateMetadata) return null;
        try
        {
            using var document = JsonDocument.Parse(metadata);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String
                || action.GetString() is not { Length: > 0 } actionId)
                return null;
            var channel = root.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return new SlackModalMetadata(actionId, channel);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
