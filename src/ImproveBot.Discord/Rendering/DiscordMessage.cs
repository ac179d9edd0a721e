using System.Text.Json.Nodes;

namespace ImproveBot.Discord.Rendering;

/// <summary>
/// One Discord message as the renderers build it: content, embeds and component rows, every text already escaped.
/// <see cref="ToJson"/> writes the request body, always with <c>allowed_mentions: {"parse": []}</c>.
/// </summary>
internal sealed record DiscordMessage(string? Content, IReadOnlyList<JsonObject> Embeds, IReadOnlyList<JsonObject> Components)
{
    public static DiscordMessage Text(string content, IReadOnlyList<JsonObject>? components = null) =>
        new(content, [], components ?? []);

    /// <summary>
    /// The message body. Fresh nodes on every call (a node has one parent, and the outbox may send the same content
    /// again). <c>allowed_mentions</c> suppresses every mention, so no text can ping anyone whatever it says.
    /// </summary>
    public JsonObject ToJson(int? flags = null)
    {
        var json = new JsonObject();
        if (!string.IsNullOrEmpty(Content)) json["content"] = Content;
        if (Embeds.Count > 0) json["embeds"] = new JsonArray(Embeds.Select(e => e.DeepClone()).ToArray());
        if (Components.Count > 0) json["components"] = new JsonArray(Components.Select(c => c.DeepClone()).ToArray());
        json["allowed_mentions"] = SuppressAllMentions();
        if (flags is { } f) json["flags"] = f;
        return json;
    }

    /// <summary><c>{"parse": []}</c>: no user, role, <c>@everyone</c> or <c>@here</c> mention notifies anyone (protocol §3).</summary>
    public static JsonObject SuppressAllMentions() => new() { ["parse"] = new JsonArray() };

    /// <summary>What Discord counts against the 6,000-character embed total: title, description, field names and values, footer, author.</summary>
    public static int EmbedLength(JsonObject embed)
    {
        static int Len(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s.Length : 0;
        var total = Len(embed["title"]) + Len(embed["description"]) + Len(embed["footer"]?["text"]) + Len(embed["author"]?["name"]);
        if (embed["fields"] is JsonArray fields)
        {
            foreach (var field in fields) total += Len(field?["name"]) + Len(field?["value"]);
        }
        return total;
    }
}

/// <summary>Builds embeds within Discord's per-embed limits; every text passed in must already be escaped.</summary>
internal static class DiscordEmbeds
{
    /// <summary>A calm green: the colour bar of every embed the bot sends.</summary>
    public const int Color = 0x2E9E6B;

    public static JsonObject Embed(string? title, string? description)
    {
        var embed = new JsonObject { ["color"] = Color };
        if (!string.IsNullOrEmpty(title)) embed["title"] = DiscordText.Truncate(title, DiscordLimits.EmbedTitle);
        if (!string.IsNullOrEmpty(description)) embed["description"] = DiscordText.Truncate(description, DiscordLimits.EmbedDescription);
        return embed;
    }

    /// <summary>
    /// One embed per ≤ 4,096-char piece of the lines; the first is titled <paramref name="title"/>, later ones
    /// "<paramref name="title"/> (continued)", so a section never breaks the description limit or loses a line.
    /// </summary>
    public static IEnumerable<JsonObject> Section(string title, IEnumerable<string> escapedLines)
    {
        var pieces = DiscordText.Pack(escapedLines, DiscordLimits.EmbedDescription);
        for (var i = 0; i < pieces.Count; i++)
            yield return Embed(i == 0 ? title : $"{title} (continued)", pieces[i]);
    }

    public static JsonObject Field(string escapedName, string escapedValue, bool inline) => new()
    {
        ["name"] = DiscordText.Truncate(escapedName, DiscordLimits.FieldName),
        ["value"] = DiscordText.Truncate(escapedValue, DiscordLimits.FieldValue),
        ["inline"] = inline,
    };

    /// <summary>
    /// Lays embeds out over as few messages as the limits allow (10 embeds and 6,000 characters per message), in order.
    /// <paramref name="content"/> gives each message's content (page index, whether it is the last page);
    /// <paramref name="closing"/> (buttons) go on the last message.
    /// </summary>
    public static IReadOnlyList<DiscordMessage> Paginate(
        IReadOnlyList<JsonObject> embeds,
        Func<int, bool, string?> content,
        IReadOnlyList<JsonObject> closing)
    {
        var pages = new List<List<JsonObject>> { new() };
        var size = 0;
        foreach (var embed in embeds)
        {
            var length = DiscordMessage.EmbedLength(embed);
            var page = pages[^1];
            if (page.Count > 0 && (page.Count >= DiscordLimits.EmbedsPerMessage || size + length > DiscordLimits.EmbedTotal))
            {
                pages.Add(page = []);
                size = 0;
            }
            page.Add(embed);
            size += length;
        }
        return pages.Select((page, i) =>
        {
            var last = i == pages.Count - 1;
            var text = content(i, last);
            return new DiscordMessage(text is null ? null : DiscordText.Truncate(text, DiscordLimits.Content), page, last ? closing : []);
        }).ToList();
    }
}
