using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Slack.Rendering;

/// <summary>
/// The core's answers to a request, in Slack's shapes: an ephemeral response for a <see cref="Reply"/>, a modal view
/// for a <see cref="ChatForm"/>, and the <c>view_submission</c> ack that shows field errors in the modal.
/// </summary>
internal static partial class SlackReplies
{
    /// <summary>Room kept for the buttons and the "more" line when a reply's text is split into sections.</summary>
    private const int MaxReplySections = BlockKitLimits.BlocksPerMessage - 2;

    /// <summary>
    /// <c>{"response_type":"ephemeral","text":…,"blocks":[…]}</c> for a slash command's response (or a response_url).
    /// The form, if any, is not here: the adapter opens it with <see cref="Modal"/> and <c>views.open</c>.
    /// </summary>
    public static JsonObject Ephemeral(Reply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        // Core replies are written for Markdown (user text backslash-escaped); Slack wants the raw words, escaped its way.
        var text = SlackText.Multiline(SlackText.FromCoreMarkdown(reply.Text));
        if (text.Length == 0) text = "\u200B"; // Slack refuses an empty text object.

        var blocks = new JsonArray();
        var sections = BlockKit.Sections(text.Split('\n')).ToList();
        foreach (var section in sections.Take(MaxReplySections)) blocks.Add(section);
        if (sections.Count > MaxReplySections)
            blocks.Add(BlockKit.Context("… and more: narrow it down with a #tag or a word."));
        if (reply.Actions is { Count: > 0 } actions)
        {
            // One actions block at most keeps the 50-block limit; 25 buttons is more than any reply offers.
            foreach (var block in BlockKit.Actions(actions).Take(1)) blocks.Add(block);
        }
        return new JsonObject
        {
            ["response_type"] = "ephemeral",
            ["text"] = SlackText.Truncate(text, BlockKitLimits.Text),
            ["blocks"] = blocks,
        };
    }

    /// <summary>
    /// The modal for <c>views.open</c>: one <c>input</c> block per field, <c>block_id</c> and <c>action_id</c> both the
    /// field id (so <see cref="SlackViewSubmission.ReadValues"/> hands the core its own ids back), <c>callback_id</c>
    /// the form's submit action id.
    /// </summary>
    /// <param name="channelId">Where the request came from, kept in <c>private_metadata</c> so the confirmation can go back there.</param>
    public static JsonObject Modal(ChatForm form, string? channelId = null)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (form.Fields.Count > BlockKitLimits.BlocksPerView)
            throw new ArgumentException($"A modal holds at most {BlockKitLimits.BlocksPerView} blocks; the form has {form.Fields.Count} fields.", nameof(form));

        var blocks = new JsonArray();
        foreach (var field in form.Fields)
        {
            var element = new JsonObject
            {
                ["type"] = "plain_text_input",
                ["action_id"] = BlockKit.CheckedId(field.Id, "action_id"),
                ["multiline"] = field.Multiline,
                // Slack caps inputs at 3,000 chars; a larger core limit simply cannot be reached here.
                ["max_length"] = Math.Clamp(field.MaxLength, 1, BlockKitLimits.InputMaxLength),
            };
            if (!string.IsNullOrWhiteSpace(field.Placeholder))
                element["placeholder"] = BlockKit.PlainText(SlackText.Inline(field.Placeholder), BlockKitLimits.Placeholder);
            blocks.Add(new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = BlockKit.CheckedId(field.Id, "block_id"),
                // Labels are the team's questions: an admin's words, escaped like any user text.
                ["label"] = BlockKit.PlainText(LabelText(field.Label), BlockKitLimits.InputLabel),
                ["optional"] = !field.Required,
                ["element"] = element,
            });
        }

        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = BlockKit.CheckedId(form.SubmitActionId, "callback_id"),
            ["title"] = BlockKit.PlainText(LabelText(form.Title), BlockKitLimits.ViewTitle),
            ["submit"] = BlockKit.PlainText("Submit", BlockKitLimits.ViewTitle),
            ["close"] = BlockKit.PlainText("Cancel", BlockKitLimits.ViewTitle),
            ["blocks"] = blocks,
            ["private_metadata"] = SlackModalMetadata.Write(form.SubmitActionId, channelId),
        };
    }

    /// <summary>
    /// <c>{"response_action":"errors","errors":{block_id: message}}</c>: the modal stays open with each message under
    /// its field. Slack rejects the whole ack when a key names no block of the view, so an error that names no field
    /// (e.g. "answers", "action") is shown under the ideas field, or else the first block; several land there joined.
    /// </summary>
    /// <param name="blockIds">The view's block ids (e.g. the keys <see cref="SlackViewSubmission.ReadValues"/> returned).
    /// Without them, the reflection form's ids (<c>q0</c>, <c>q1</c>, …, <c>ideas</c>) are taken as the known ones.</param>
    public static JsonObject Errors(IReadOnlyDictionary<string, string> fieldErrors, IEnumerable<string>? blockIds = null)
    {
        ArgumentNullException.ThrowIfNull(fieldErrors);
        var known = blockIds?.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();
        bool IsKnown(string key) => known is null ? IsReflectionField(key) : known.Contains(key, StringComparer.Ordinal);
        var fallback = known is null || known.Count == 0 || known.Contains(PromptActions.IdeasField, StringComparer.Ordinal)
            ? PromptActions.IdeasField
            : known[0];

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        // Field errors first, so a general message is appended after the specific one on the same block.
        foreach (var (key, message) in fieldErrors.OrderBy(e => IsKnown(e.Key) ? 0 : 1))
        {
            if (string.IsNullOrWhiteSpace(message)) continue;
            var target = IsKnown(key) ? key : fallback;
            if (errors.TryGetValue(target, out var existing)) errors[target] = existing + " " + message.Trim();
            else
            {
                errors[target] = message.Trim();
                order.Add(target);
            }
        }

        var json = new JsonObject();
        foreach (var key in order) json[key] = errors[key];
        return new JsonObject { ["response_action"] = "errors", ["errors"] = json };
    }

    private static bool IsReflectionField(string key) =>
        key == PromptActions.IdeasField || AnswerFieldPattern().IsMatch(key);

    /// <summary>Labels and titles are single-line plain text: escaped, line breaks folded.</summary>
    private static string LabelText(string text) => SlackText.Inline(text) is { Length: > 0 } t ? t : "\u200B";

    [GeneratedRegex(@"^q[0-9]{1,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex AnswerFieldPattern();
}
