using System.Text.Json.Nodes;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Slack.Rendering;

/// <summary>Block Kit limits the renderers respect (slack.md §7; the header limit is Slack's block reference).</summary>
internal static class BlockKitLimits
{
    public const int BlocksPerMessage = 50;
    public const int BlocksPerView = 100;
    public const int Text = 3000;
    public const int HeaderText = 150;
    public const int ButtonText = 75;
    public const int ElementsPerActions = 25;
    public const int Id = 255;
    public const int ViewTitle = 24;
    public const int InputLabel = 2000;
    public const int InputMaxLength = 3000;
    public const int Placeholder = 150;
    public const int PrivateMetadata = 3000;
}

/// <summary>
/// Builds Block Kit JSON. Every text passed in must already be escaped (<see cref="SlackText"/>); this class only
/// enforces the limits. Every mrkdwn object is <c>verbatim</c> so Slack never auto-links or parses mentions in it.
/// </summary>
internal static class BlockKit
{
    /// <summary>A mrkdwn text object; <c>verbatim</c> because nearly every text here carries someone's words.</summary>
    public static JsonObject Mrkdwn(string escaped) => new()
    {
        ["type"] = "mrkdwn",
        ["text"] = Checked(escaped, BlockKitLimits.Text),
        ["verbatim"] = true,
    };

    /// <summary>A plain_text object, cut to <paramref name="maxLength"/> with "…" (labels and titles may be shortened).</summary>
    public static JsonObject PlainText(string escaped, int maxLength) => new()
    {
        ["type"] = "plain_text",
        ["text"] = SlackText.Truncate(escaped, maxLength),
        ["emoji"] = true,
    };

    public static JsonObject Section(string escapedMrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = Mrkdwn(escapedMrkdwn),
    };

    /// <summary>One section per ≤ 3,000-char piece of the lines, so a long text never breaks the limit.</summary>
    public static IEnumerable<JsonObject> Sections(IEnumerable<string> escapedLines) =>
        SlackText.Pack(escapedLines, BlockKitLimits.Text).Where(t => t.Length > 0).Select(Section);

    public static JsonObject Context(string escapedMrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(Mrkdwn(escapedMrkdwn)),
    };

    /// <summary>A header block (plain_text, 150 chars at most: longer team names are shortened).</summary>
    public static JsonObject Header(string escaped) => new()
    {
        ["type"] = "header",
        ["text"] = PlainText(escaped, BlockKitLimits.HeaderText),
    };

    public static JsonObject Divider() => new() { ["type"] = "divider" };

    /// <summary>Actions blocks holding the buttons, at most 25 per block; a repeated action id is dropped (Slack wants them unique).</summary>
    public static IEnumerable<JsonObject> Actions(IReadOnlyList<ChatAction> actions) =>
        actions.DistinctBy(a => a.Id, StringComparer.Ordinal)
            .Chunk(BlockKitLimits.ElementsPerActions)
            .Select(chunk => new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(chunk.Select(a => (JsonNode)Button(a)).ToArray()),
            });

    /// <summary>A button whose <c>action_id</c> is the core's action id, handed back to the core unchanged.</summary>
    public static JsonObject Button(ChatAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var button = new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = CheckedId(action.Id, "action_id"),
            ["text"] = PlainText(SlackText.Inline(action.Label), BlockKitLimits.ButtonText),
        };
        switch (action.Style)
        {
            case ChatActionStyle.Primary: button["style"] = "primary"; break;
            case ChatActionStyle.Danger: button["style"] = "danger"; break;
        }
        return button;
    }

    /// <summary>Ids route the click back to the core: a cut id would route nowhere, so an over-long one is a bug.</summary>
    public static string CheckedId(string id, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id.Length > BlockKitLimits.Id)
            throw new ArgumentException($"Slack {what} is {id.Length} chars; the limit is {BlockKitLimits.Id}: {id[..40]}…", nameof(id));
        return id;
    }

    /// <summary>Callers split text with <see cref="SlackText.Pack"/> first; this guards against one that did not.</summary>
    private static string Checked(string text, int max) =>
        text.Length <= max ? text : throw new ArgumentException($"Text object of {text.Length} chars; Slack's limit is {max}.", nameof(text));
}
