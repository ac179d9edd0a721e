using System.Text.Json.Nodes;

namespace ImproveBot.Testing.FakeSlack;

/// <summary>
/// The Block Kit limits of the protocol reference (§7), checked the way Slack reports them: a list of
/// <c>[ERROR] … [json-pointer:/…]</c> messages. Empty means valid. Only documented limits are checked, so a
/// payload the fake refuses is one Slack refuses too.
/// </summary>
internal static class BlockKitRules
{
    public const int MaxMessageBlocks = 50;
    public const int MaxViewBlocks = 100;
    public const int MaxTextObject = 3000;
    public const int MaxSectionFields = 10;
    public const int MaxSectionFieldText = 2000;
    public const int MaxId = 255;
    public const int MaxActionsElements = 25;
    public const int MaxButtonText = 75;
    public const int MaxButtonValue = 2000;
    public const int MaxUrl = 3000;
    public const int MaxInputLabel = 2000;
    public const int MaxPlaceholder = 150;
    public const int MaxModalTitle = 24;
    public const int MaxPrivateMetadata = 3000;

    // Walking is recursive; real payloads nest a few levels. A cap keeps a hostile payload from recursing deeply.
    private const int MaxDepth = 32;

    public static List<string> ValidateMessageBlocks(JsonArray blocks)
    {
        var errors = new List<string>();
        ValidateBlocks(blocks, "/blocks", MaxMessageBlocks, errors);
        return errors;
    }

    public static List<string> ValidateModal(JsonObject view)
    {
        var errors = new List<string>();
        if (Str(view, "type") != "modal") errors.Add(Error("must be 'modal'", "/view/type"));
        CheckPlainText(view["title"], "/view/title", MaxModalTitle, required: true, errors);
        CheckPlainText(view["submit"], "/view/submit", MaxModalTitle, required: false, errors);
        CheckPlainText(view["close"], "/view/close", MaxModalTitle, required: false, errors);
        if (Str(view, "callback_id") is { Length: > MaxId }) errors.Add(Error($"must be less than {MaxId + 1} characters", "/view/callback_id"));
        if (Str(view, "private_metadata") is { Length: > MaxPrivateMetadata }) errors.Add(Error($"must be less than {MaxPrivateMetadata + 1} characters", "/view/private_metadata"));
        if (view["blocks"] is not JsonArray blocks)
        {
            errors.Add(Error("missing required field: blocks", "/view"));
            return errors;
        }
        ValidateBlocks(blocks, "/view/blocks", MaxViewBlocks, errors);
        var hasInput = blocks.OfType<JsonObject>().Any(b => Str(b, "type") == "input");
        if (hasInput && view["submit"] is null) errors.Add(Error("submit is required when a modal has input blocks", "/view/submit"));
        return errors;
    }

    private static void ValidateBlocks(JsonArray blocks, string pointer, int maxBlocks, List<string> errors)
    {
        if (blocks.Count > maxBlocks) errors.Add(Error($"must contain at most {maxBlocks} items", pointer));
        for (var i = 0; i < blocks.Count; i++)
        {
            var at = $"{pointer}/{i}";
            if (blocks[i] is not JsonObject block || Str(block, "type") is not { Length: > 0 } type)
            {
                errors.Add(Error("missing required field: type", at));
                continue;
            }
            if (Str(block, "block_id") is { Length: > MaxId }) errors.Add(Error($"must be less than {MaxId + 1} characters", $"{at}/block_id"));
            switch (type)
            {
                case "section" when block["fields"] is JsonArray fields:
                    if (fields.Count > MaxSectionFields) errors.Add(Error($"must contain at most {MaxSectionFields} items", $"{at}/fields"));
                    for (var f = 0; f < fields.Count; f++)
                    {
                        if (fields[f] is JsonObject field && Str(field, "text") is { Length: > MaxSectionFieldText })
                            errors.Add(Error($"must be less than {MaxSectionFieldText + 1} characters", $"{at}/fields/{f}/text"));
                    }
                    break;
                case "actions" when block["elements"] is JsonArray elements && elements.Count > MaxActionsElements:
                    errors.Add(Error($"must contain at most {MaxActionsElements} items", $"{at}/elements"));
                    break;
                case "input":
                    CheckPlainText(block["label"], $"{at}/label", MaxInputLabel, required: true, errors);
                    CheckPlainText(block["hint"], $"{at}/hint", MaxInputLabel, required: false, errors);
                    break;
            }
            Walk(block, at, errors, depth: 0);
        }
    }

    /// <summary>Limits that hold wherever the object sits: text objects, ids, buttons, text inputs.</summary>
    private static void Walk(JsonNode? node, string pointer, List<string> errors, int depth)
    {
        if (depth > MaxDepth)
        {
            errors.Add(Error("nested too deeply", pointer));
            return;
        }
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{pointer}/{i}", errors, depth + 1);
                break;
            case JsonObject obj:
                var type = Str(obj, "type");
                if (type is "plain_text" or "mrkdwn" && Str(obj, "text") is { Length: > MaxTextObject })
                    errors.Add(Error($"must be less than {MaxTextObject + 1} characters", $"{pointer}/text"));
                if (Str(obj, "action_id") is { Length: > MaxId })
                    errors.Add(Error($"must be less than {MaxId + 1} characters", $"{pointer}/action_id"));
                if (type == "button") CheckButton(obj, pointer, errors);
                if (type == "plain_text_input") CheckTextInput(obj, pointer, errors);
                foreach (var (name, child) in obj)
                {
                    if (child is JsonObject or JsonArray) Walk(child, $"{pointer}/{name}", errors, depth + 1);
                }
                break;
        }
    }

    private static void CheckButton(JsonObject button, string pointer, List<string> errors)
    {
        if (button["text"] is JsonObject text && Str(text, "text") is { Length: > MaxButtonText })
            errors.Add(Error($"must be less than {MaxButtonText + 1} characters", $"{pointer}/text/text"));
        if (Str(button, "value") is { Length: > MaxButtonValue })
            errors.Add(Error($"must be less than {MaxButtonValue + 1} characters", $"{pointer}/value"));
        if (Str(button, "url") is { Length: > MaxUrl })
            errors.Add(Error($"must be less than {MaxUrl + 1} characters", $"{pointer}/url"));
        if (Str(button, "style") is { } style && style is not ("primary" or "danger"))
            errors.Add(Error("must be one of primary, danger", $"{pointer}/style"));
    }

    private static void CheckTextInput(JsonObject input, string pointer, List<string> errors)
    {
        if (input["placeholder"] is JsonObject placeholder && Str(placeholder, "text") is { Length: > MaxPlaceholder })
            errors.Add(Error($"must be less than {MaxPlaceholder + 1} characters", $"{pointer}/placeholder/text"));
        if (Int(input, "max_length") is { } max && max is < 1 or > MaxTextObject)
            errors.Add(Error($"must be between 1 and {MaxTextObject}", $"{pointer}/max_length"));
        if (Int(input, "min_length") is { } min && min is < 0 or > MaxTextObject)
            errors.Add(Error($"must be between 0 and {MaxTextObject}", $"{pointer}/min_length"));
    }

    private static void CheckPlainText(JsonNode? node, string pointer, int maxLength, bool required, List<string> errors)
    {
        if (node is null)
        {
            if (required) errors.Add(Error("missing required field", pointer));
            return;
        }
        if (node is not JsonObject obj || Str(obj, "type") != "plain_text" || Str(obj, "text") is not { } text)
        {
            errors.Add(Error("must be a plain_text object", pointer));
            return;
        }
        if (text.Length > maxLength) errors.Add(Error($"must be less than {maxLength + 1} characters", $"{pointer}/text"));
    }

    internal static string? Str(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<int>(out var i) ? i : null;

    private static string Error(string what, string pointer) => $"[ERROR] {what} [json-pointer:{pointer}]";
}
