using System.Text.Json;

namespace ImproveBot.Discord.Rendering;

/// <summary>
/// Reads a MODAL_SUBMIT's <c>data</c>. The payload is signed by Discord, but its shape is still not ours to trust: nothing
/// here throws on odd input, it just finds less.
/// </summary>
internal static class DiscordModalSubmission
{
    /// <summary>More top-level components than a modal can hold means the payload is not one of ours; stop reading there.</summary>
    private const int MaxComponents = DiscordLimits.ModalComponents;

    /// <summary>
    /// The modal's <c>custom_id</c> (empty when missing) and its text inputs' values by <c>custom_id</c>. Reads both shapes
    /// Discord sends (protocol §1): a Label <c>{type: 18, component: {custom_id, value}}</c> and the legacy Action Row
    /// <c>{type: 1, components: [{custom_id, value}]}</c>. A field left empty reads as <c>""</c>.
    /// </summary>
    public static (string CustomId, IReadOnlyDictionary<string, string> Values) ReadValues(JsonElement data)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (data.ValueKind != JsonValueKind.Object) return ("", values);
        var customId = String(Property(data, "custom_id")) ?? "";
        if (Property(data, "components") is not { ValueKind: JsonValueKind.Array } components) return (customId, values);

        var seen = 0;
        foreach (var component in components.EnumerateArray())
        {
            if (seen++ >= MaxComponents) break;
            if (Property(component, "component") is { ValueKind: JsonValueKind.Object } inner)
            {
                Add(values, inner);
                continue;
            }
            if (Property(component, "components") is { ValueKind: JsonValueKind.Array } row)
            {
                foreach (var input in row.EnumerateArray().Take(MaxComponents)) Add(values, input);
            }
        }
        return (customId, values);
    }

    private static void Add(Dictionary<string, string> values, JsonElement input)
    {
        if (String(Property(input, "custom_id")) is not { Length: > 0 } id || values.ContainsKey(id)) return;
        values[id] = String(Property(input, "value")) ?? "";
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? String(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() : null;
}
