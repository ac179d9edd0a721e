using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Discord.Rendering;

namespace ImproveBot.Discord.Tests.Rendering;

/// <summary>Readable JSON of what the renderers build, and the limits every message must keep.</summary>
internal static class DiscordJson
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(JsonNode node) => node.ToJsonString(Readable);

    public static string Json(DiscordMessage message) => Json(message.ToJson());

    /// <summary>Every text a reader sees in the message: content, embed titles, descriptions, fields, footers.</summary>
    public static IEnumerable<string> Texts(DiscordMessage message)
    {
        if (message.Content is { } content) yield return content;
        foreach (var embed in message.Embeds)
        {
            foreach (var key in new[] { "title", "description" })
                if (embed[key]?.GetValue<string>() is { } text) yield return text;
            foreach (var field in embed["fields"] as JsonArray ?? [])
            {
                yield return field!["name"]!.GetValue<string>();
                yield return field["value"]!.GetValue<string>();
            }
            if (embed["footer"]?["text"]?.GetValue<string>() is { } footer) yield return footer;
        }
    }

    public static IReadOnlyList<string> CustomIds(DiscordMessage message) =>
        message.Components.SelectMany(row => row["components"]!.AsArray()).Select(b => b!["custom_id"]!.GetValue<string>()).ToList();

    /// <summary>Discord's limits (protocol §3, §6), asserted on one message.</summary>
    public static void AssertWithinLimits(DiscordMessage message)
    {
        Assert.InRange(message.Content?.Length ?? 0, 0, DiscordLimits.Content);
        Assert.InRange(message.Embeds.Count, 0, DiscordLimits.EmbedsPerMessage);
        Assert.InRange(message.Embeds.Sum(DiscordMessage.EmbedLength), 0, DiscordLimits.EmbedTotal);
        foreach (var embed in message.Embeds)
        {
            Assert.InRange(embed["title"]?.GetValue<string>().Length ?? 0, 0, DiscordLimits.EmbedTitle);
            Assert.InRange(embed["description"]?.GetValue<string>().Length ?? 0, 0, DiscordLimits.EmbedDescription);
            var fields = embed["fields"] as JsonArray ?? [];
            Assert.InRange(fields.Count, 0, DiscordLimits.EmbedFields);
            Assert.All(fields, f => Assert.InRange(f!["value"]!.GetValue<string>().Length, 1, DiscordLimits.FieldValue));
        }
        Assert.InRange(message.Components.Count, 0, DiscordLimits.ActionRows);
        Assert.All(message.Components, row => Assert.InRange(row["components"]!.AsArray().Count, 1, DiscordLimits.ButtonsPerRow));
        Assert.All(CustomIds(message), id => Assert.InRange(id.Length, 1, DiscordLimits.CustomId));
        Assert.Equal(CustomIds(message).Count, CustomIds(message).Distinct().Count());
        Assert.True(!string.IsNullOrEmpty(message.Content) || message.Embeds.Count > 0 || message.Components.Count > 0, "an empty message");
        Assert.Equal("""{"parse":[]}""", Json(message.ToJson()["allowed_mentions"]!));
    }
}
