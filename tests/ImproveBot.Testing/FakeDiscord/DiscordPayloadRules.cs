using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImproveBot.Testing.FakeDiscord;

/// <summary>One Invalid Form Body problem: where (<c>embeds.0.description</c>), Discord's code and message.</summary>
public sealed record FormError(string Path, string Code, string Message);

/// <summary>
/// The payload rules the fake enforces, as the protocol reference lists them (§1 modals, §2 commands, §3 messages and
/// embeds, §6 components). What breaks one comes back as Discord's 400/50035 with nested <c>_errors</c>.
/// </summary>
public static partial class DiscordPayloadRules
{
    public const int MaxContent = 2000;
    public const int MaxEmbeds = 10;
    public const int MaxEmbedTotal = 6000;
    public const int MaxTitle = 256;
    public const int MaxDescription = 4096;
    public const int MaxFields = 25;
    public const int MaxFieldName = 256;
    public const int MaxFieldValue = 1024;
    public const int MaxFooter = 2048;
    public const int MaxAuthorName = 256;
    public const int MaxActionRows = 5;
    public const int MaxButtonsPerRow = 5;
    public const int MaxLabel = 80;
    public const int MaxCustomId = 100;
    public const int MaxNonce = 25;
    public const int MaxMentionIds = 100;

    private static readonly string[] ParseTypes = ["users", "roles", "everyone"];

    /// <summary>The rules of a message body (<c>POST /channels/{id}/messages</c>, webhook edits, type 4 data).</summary>
    /// <param name="requireSuppressedMentions">Also demand <c>allowed_mentions: {"parse": []}</c> (the fake's own strictness).</param>
    /// <param name="edit">An edit may leave content, embeds and components all out.</param>
    public static IReadOnlyList<FormError> Message(JsonObject body, bool requireSuppressedMentions, bool edit = false)
    {
        var errors = new List<FormError>();
        if (body["content"] is { } content)
        {
            if (content.GetValueKind() != JsonValueKind.String) errors.Add(new("content", "BASE_TYPE_STRING", "Must be a string."));
            else if (content.GetValue<string>().Length > MaxContent)
                errors.Add(new("content", "BASE_TYPE_MAX_LENGTH", $"Must be {MaxContent} or fewer in length."));
        }
        Embeds(body["embeds"], errors);
        Components(body["components"], errors);
        AllowedMentions(body["allowed_mentions"], requireSuppressedMentions, errors);
        if (body["nonce"] is { } nonce)
        {
            var kind = nonce.GetValueKind();
            if (kind == JsonValueKind.String && nonce.GetValue<string>().Length is 0 or > MaxNonce)
                errors.Add(new("nonce", "BASE_TYPE_BAD_LENGTH", $"Must be between 1 and {MaxNonce} in length."));
            else if (kind is not (JsonValueKind.String or JsonValueKind.Number))
                errors.Add(new("nonce", "BASE_TYPE_STRING", "Must be a string or an integer."));
        }
        if (body["enforce_nonce"] is { } enforce && enforce.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            errors.Add(new("enforce_nonce", "BASE_TYPE_BOOLEAN", "Must be a boolean."));
        if (body["flags"] is { } flags)
        {
            // Only these may be set on a message the bot creates or edits; EPHEMERAL belongs to interaction responses.
            if (flags.GetValueKind() != JsonValueKind.Number || (flags.GetValue<long>() & ~(4L | 4096L)) != 0)
                errors.Add(new("flags", "MESSAGE_FLAGS_INVALID", "Invalid message flags."));
        }
        return errors;
    }

    /// <summary>Whether a message body has something to show (Discord's 50006 otherwise).</summary>
    public static bool HasSomething(JsonObject body) =>
        body["content"] is JsonValue c && c.TryGetValue<string>(out var s) && s.Length > 0
        || body["embeds"] is JsonArray { Count: > 0 }
        || body["components"] is JsonArray { Count: > 0 };

    private static void Embeds(JsonNode? node, List<FormError> errors)
    {
        if (node is null) return;
        if (node is not JsonArray embeds)
        {
            errors.Add(new("embeds", "BASE_TYPE_ARRAY", "Must be an array."));
            return;
        }
        if (embeds.Count > MaxEmbeds) errors.Add(new("embeds", "BASE_TYPE_MAX_LENGTH", $"Must be {MaxEmbeds} or fewer in length."));
        var total = 0;
        for (var i = 0; i < embeds.Count; i++)
        {
            var path = $"embeds.{i}";
            if (embeds[i] is not JsonObject embed)
            {
                errors.Add(new(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"));
                continue;
            }
            total += Length(embed, "title", MaxTitle, path, errors);
            total += Length(embed, "description", MaxDescription, path, errors);
            if (embed["footer"] is JsonObject footer) total += Length(footer, "text", MaxFooter, $"{path}.footer", errors);
            if (embed["author"] is JsonObject author) total += Length(author, "name", MaxAuthorName, $"{path}.author", errors);
            if (embed["fields"] is JsonArray fields)
            {
                if (fields.Count > MaxFields) errors.Add(new($"{path}.fields", "BASE_TYPE_MAX_LENGTH", $"Must be {MaxFields} or fewer in length."));
                for (var f = 0; f < fields.Count; f++)
                {
                    if (fields[f] is not JsonObject field) continue;
                    var fieldPath = $"{path}.fields.{f}";
                    total += Length(field, "name", MaxFieldName, fieldPath, errors, required: true);
                    total += Length(field, "value", MaxFieldValue, fieldPath, errors, required: true);
                }
            }
        }
        if (total > MaxEmbedTotal) errors.Add(new("embeds", "BASE_TYPE_MAX_LENGTH", $"Embed size exceeds maximum size of {MaxEmbedTotal}"));
    }

    private static void Components(JsonNode? node, List<FormError> errors)
    {
        if (node is null) return;
        if (node is not JsonArray rows)
        {
            errors.Add(new("components", "BASE_TYPE_ARRAY", "Must be an array."));
            return;
        }
        if (rows.Count > MaxActionRows) errors.Add(new("components", "BASE_TYPE_MAX_LENGTH", $"Must be {MaxActionRows} or fewer in length."));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < rows.Count; r++)
        {
            var rowPath = $"components.{r}";
            if (rows[r] is not JsonObject row || Int(row["type"]) != 1 || row["components"] is not JsonArray buttons)
            {
                errors.Add(new(rowPath, "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,)."));
                continue;
            }
            if (buttons.Count is 0 or > MaxButtonsPerRow)
                errors.Add(new($"{rowPath}.components", "BASE_TYPE_BAD_LENGTH", $"Must be between 1 and {MaxButtonsPerRow} in length."));
            for (var b = 0; b < buttons.Count; b++)
            {
                var path = $"{rowPath}.components.{b}";
                if (buttons[b] is not JsonObject button || Int(button["type"]) != 2)
                {
                    errors.Add(new(path, "UNION_TYPE_CHOICES", "Only buttons (type 2) are expected in these action rows."));
                    continue;
                }
                var style = Int(button["style"]);
                if (style is < 1 or > 5) errors.Add(new($"{path}.style", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5}."));
                if (Str(button["label"]) is { } label && label.Length > MaxLabel)
                    errors.Add(new($"{path}.label", "BASE_TYPE_MAX_LENGTH", $"Must be {MaxLabel} or fewer in length."));
                if (style == 5) continue;
                var customId = Str(button["custom_id"]);
                if (customId is not { Length: > 0 and <= MaxCustomId })
                    errors.Add(new($"{path}.custom_id", "BASE_TYPE_BAD_LENGTH", $"Must be between 1 and {MaxCustomId} in length."));
                else if (!ids.Add(customId))
                    errors.Add(new($"{path}.custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"));
            }
        }
    }

    private static void AllowedMentions(JsonNode? node, bool requireSuppressed, List<FormError> errors)
    {
        if (node is null)
        {
            if (requireSuppressed) errors.Add(new("allowed_mentions", "FAKE_MENTIONS_NOT_SUPPRESSED", "The fake demands allowed_mentions {\"parse\": []} on every message."));
            return;
        }
        if (node is not JsonObject mentions)
        {
            errors.Add(new("allowed_mentions", "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"));
            return;
        }
        var parse = mentions["parse"] as JsonArray;
        var parsed = parse?.Select(p => Str(p)).ToList() ?? [];
        if (parsed.Any(p => p is null || !ParseTypes.Contains(p)))
            errors.Add(new("allowed_mentions.parse", "BASE_TYPE_CHOICES", "Value must be one of {'users', 'roles', 'everyone'}."));
        // Documented as a validation error (fixture allowed_mentions_invalid_parse_and_users.json).
        foreach (var kind in new[] { "users", "roles" })
        {
            if (mentions[kind] is not JsonArray list) continue;
            if (parsed.Contains(kind))
                errors.Add(new($"allowed_mentions.{kind}", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", $"parse:[\"{kind}\"] and {kind}: [ids...] are mutually exclusive."));
            if (list.Count > MaxMentionIds)
                errors.Add(new($"allowed_mentions.{kind}", "BASE_TYPE_MAX_LENGTH", $"Must be {MaxMentionIds} or fewer in length."));
        }
        var suppressed = parse is { Count: 0 } && mentions["users"] is null or JsonArray { Count: 0 } && mentions["roles"] is null or JsonArray { Count: 0 }
                         && mentions["replied_user"]?.GetValueKind() is null or JsonValueKind.False;
        if (requireSuppressed && !suppressed)
            errors.Add(new("allowed_mentions", "FAKE_MENTIONS_NOT_SUPPRESSED", "The fake demands allowed_mentions {\"parse\": []} on every message."));
    }

    /// <summary>The rules of one application command in a bulk overwrite (protocol §2).</summary>
    public static IReadOnlyList<FormError> Command(JsonObject command, string path)
    {
        var errors = new List<FormError>();
        var name = Str(command["name"]);
        if (name is null || !CommandName().IsMatch(name) || name != name.ToLowerInvariant())
            errors.Add(new($"{path}.name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"));
        if (Str(command["description"]) is not { Length: >= 1 and <= 100 })
            errors.Add(new($"{path}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."));
        if (command["type"] is { } type && Int(type) is not (1 or 2 or 3))
            errors.Add(new($"{path}.type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}."));
        if (command["contexts"] is JsonArray contexts && contexts.Any(c => Int(c) is not (0 or 1 or 2)))
            errors.Add(new($"{path}.contexts", "BASE_TYPE_CHOICES", "Value must be one of {0, 1, 2}."));
        Options(command["options"], $"{path}.options", depth: 0, errors);
        if (CountChars(command) > 8000)
            errors.Add(new(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)"));
        return errors;
    }

    private static void Options(JsonNode? node, string path, int depth, List<FormError> errors)
    {
        if (node is null) return;
        if (node is not JsonArray options)
        {
            errors.Add(new(path, "BASE_TYPE_ARRAY", "Must be an array."));
            return;
        }
        if (options.Count > 25) errors.Add(new(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."));
        var sawOptional = false;
        var sawSub = false;
        var sawValue = false;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Count; i++)
        {
            var optionPath = $"{path}.{i}";
            if (options[i] is not JsonObject option) continue;
            var type = Int(option["type"]);
            var name = Str(option["name"]);
            if (name is null || !CommandName().IsMatch(name) || name != name.ToLowerInvariant())
                errors.Add(new($"{optionPath}.name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"));
            else if (!names.Add(name))
                errors.Add(new($"{optionPath}.name", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"));
            if (Str(option["description"]) is not { Length: >= 1 and <= 100 })
                errors.Add(new($"{optionPath}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."));
            if (type is < 1 or > 11) errors.Add(new($"{optionPath}.type", "BASE_TYPE_CHOICES", "Value must be one of {1, …, 11}."));

            if (type is 1 or 2)
            {
                sawSub = true;
                // A group holds subcommands; a subcommand holds values; nothing nests deeper.
                if (type == 2 && depth > 0) errors.Add(new($"{optionPath}.type", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command groups nest one level only"));
                if (type == 1 && option["options"] is JsonArray sub && sub.OfType<JsonObject>().Any(o => Int(o["type"]) is 1 or 2))
                    errors.Add(new($"{optionPath}.options", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-commands cannot contain sub-commands"));
                if (type == 2 && option["options"] is JsonArray grouped && grouped.OfType<JsonObject>().Any(o => Int(o["type"]) != 1))
                    errors.Add(new($"{optionPath}.options", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command groups can only contain sub-commands"));
                Options(option["options"], $"{optionPath}.options", depth + 1, errors);
                continue;
            }

            sawValue = true;
            var required = option["required"]?.GetValueKind() == JsonValueKind.True;
            if (required && sawOptional)
                errors.Add(new($"{optionPath}.required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"));
            sawOptional |= !required;
            if (option["choices"] is JsonArray choices)
            {
                if (choices.Count > 25) errors.Add(new($"{optionPath}.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."));
                foreach (var choice in choices.OfType<JsonObject>())
                {
                    if (Str(choice["name"]) is not { Length: >= 1 and <= 100 })
                        errors.Add(new($"{optionPath}.choices", "BASE_TYPE_BAD_LENGTH", "Choice names must be between 1 and 100 in length."));
                }
            }
            if (option["max_length"] is { } max && Int(max) is < 1 or > 6000)
                errors.Add(new($"{optionPath}.max_length", "NUMBER_TYPE_MAX", "int value should be between 1 and 6000."));
        }
        if (sawSub && sawValue) errors.Add(new(path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-commands and values cannot be mixed"));
    }

    /// <summary>Names, descriptions, option names and descriptions and choice names and values: what the 8,000 limit counts.</summary>
    private static int CountChars(JsonObject node)
    {
        var total = (Str(node["name"])?.Length ?? 0) + (Str(node["description"])?.Length ?? 0);
        foreach (var choice in node["choices"] as JsonArray ?? [])
            total += (Str(choice?["name"])?.Length ?? 0) + (choice?["value"]?.ToString().Length ?? 0);
        foreach (var option in (node["options"] as JsonArray ?? []).OfType<JsonObject>()) total += CountChars(option);
        return total;
    }

    /// <summary>Discord's 50035 body: the errors nested by path, each under <c>_errors</c>.</summary>
    public static JsonObject InvalidFormBody(IEnumerable<FormError> errors)
    {
        var root = new JsonObject();
        foreach (var error in errors)
        {
            var node = root;
            foreach (var part in error.Path.Split('.'))
            {
                if (node[part] is not JsonObject next) node[part] = next = new JsonObject();
                node = next;
            }
            if (node["_errors"] is not JsonArray list) node["_errors"] = list = new JsonArray();
            list.Add(new JsonObject { ["code"] = error.Code, ["message"] = error.Message });
        }
        return new JsonObject { ["code"] = 50035, ["errors"] = root, ["message"] = "Invalid Form Body" };
    }

    private static int Length(JsonObject owner, string name, int max, string path, List<FormError> errors, bool required = false)
    {
        var value = owner[name];
        if (value is null)
        {
            if (required) errors.Add(new($"{path}.{name}", "BASE_TYPE_REQUIRED", "This field is required"));
            return 0;
        }
        if (Str(value) is not { } text)
        {
            errors.Add(new($"{path}.{name}", "BASE_TYPE_STRING", "Must be a string."));
            return 0;
        }
        if (required && text.Length == 0) errors.Add(new($"{path}.{name}", "BASE_TYPE_REQUIRED", "This field is required"));
        if (text.Length > max) errors.Add(new($"{path}.{name}", "BASE_TYPE_MAX_LENGTH", $"Must be {max} or fewer in length."));
        return text.Length;
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    [GeneratedRegex(@"^[-_'\p{L}\p{N}\p{IsDevanagari}\p{IsThai}]{1,32}$")]
    private static partial Regex CommandName();
}
