using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Slack.Rendering;

namespace ImproveBot.Slack.Tests.Rendering;

/// <summary>Ways to look at rendered Block Kit in tests.</summary>
internal static class SlackJson
{
    /// <summary>
    /// Serialises with characters as they are. The default encoder writes '&lt;' as \u003C, which would make every
    /// "no raw &lt;!" assertion pass whether or not the renderer escaped anything.
    /// </summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(JsonNode node) => node.ToJsonString(Relaxed);

    public static string Json(SlackMessage message) => Json(message.Blocks);

    /// <summary>Every string value anywhere in the tree (texts, ids, styles): what Slack will read.</summary>
    public static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    /// <summary>Every text object (<c>{"type":"mrkdwn"|"plain_text","text":…}</c>) in the tree.</summary>
    public static IEnumerable<JsonObject> TextObjects(JsonNode? node) => node switch
    {
        JsonObject o when Type(o) is "mrkdwn" or "plain_text" => [o],
        JsonObject o => o.SelectMany(p => TextObjects(p.Value)),
        JsonArray a => a.SelectMany(TextObjects),
        _ => [],
    };

    /// <summary>Every object of the given <c>type</c> in the tree (blocks, elements).</summary>
    public static IEnumerable<JsonObject> OfType(JsonNode? node, string type) => node switch
    {
        JsonObject o => (Type(o) == type ? [o] : Array.Empty<JsonObject>()).Concat(o.SelectMany(p => OfType(p.Value, type))),
        JsonArray a => a.SelectMany(n => OfType(n, type)),
        _ => [],
    };

    /// <summary>The texts of the section blocks, in order.</summary>
    public static IEnumerable<string> SectionTexts(SlackMessage message) =>
        message.Blocks.OfType<JsonObject>().Where(b => Type(b) == "section").Select(b => (string)b["text"]!["text"]!);

    public static string? Type(JsonObject o) => o["type"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string Text(JsonNode? textObject) => (string)textObject!["text"]!;

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}
