using System.Text.Json.Nodes;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Discord.Rendering;

/// <summary>Interaction response types the adapter answers with (protocol reference §1).</summary>
internal static class DiscordResponseType
{
    public const int Pong = 1;
    public const int ChannelMessageWithSource = 4;
    public const int DeferredChannelMessageWithSource = 5;
    public const int AutocompleteResult = 8;
    public const int Modal = 9;
}

/// <summary>
/// The core's answers to a request, in Discord's shapes: an ephemeral message for a <see cref="Reply"/>, a modal for a
/// <see cref="ChatForm"/>, and the other interaction responses.
/// </summary>
internal static class DiscordReplies
{
    internal const string MoreHint = "… and more: narrow it down with a #tag or a word.";

    /// <summary><c>{"type": 1}</c>, the answer to a PING.</summary>
    public static JsonObject Pong() => new() { ["type"] = DiscordResponseType.Pong };

    /// <summary>"Thinking…", visible only to the person; completed later through the follow-up webhook.</summary>
    public static JsonObject Deferred() => new()
    {
        ["type"] = DiscordResponseType.DeferredChannelMessageWithSource,
        // Ephemerality is fixed at defer time (protocol §1), so it is set here and cannot be added by the edit.
        ["data"] = new JsonObject { ["flags"] = DiscordLimits.EphemeralFlag },
    };

    /// <summary>No suggestions: the bot declares no autocomplete options, so this only answers a stray request politely.</summary>
    public static JsonObject NoChoices() => new()
    {
        ["type"] = DiscordResponseType.AutocompleteResult,
        ["data"] = new JsonObject { ["choices"] = new JsonArray() },
    };

    /// <summary><c>{"type": 4, "data": …}</c> with the reply as an ephemeral message.</summary>
    public static JsonObject Ephemeral(Reply reply, string? tenantId) => new()
    {
        ["type"] = DiscordResponseType.ChannelMessageWithSource,
        ["data"] = Message(reply, tenantId).ToJson(DiscordLimits.EphemeralFlag),
    };

    /// <summary>
    /// A reply as one message. Core replies are Markdown with user text already escaped (<c>MarkdownText.Escape</c>), which
    /// Discord renders as intended, so the text is used as it is. Up to 2,000 characters go in the content; a longer
    /// reply (a long <c>/ideas</c> list, the help) continues in embeds, and past what one message holds it ends with a hint.
    /// </summary>
    /// <param name="tenantId">The server, when answering in a DM (carried in button ids); null in a server.</param>
    public static DiscordMessage Message(Reply reply, string? tenantId)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var text = reply.Text.ReplaceLineEndings("\n").Trim('\n');
        if (text.Trim().Length == 0) text = "\u200B"; // Discord refuses an empty message.
        var components = DiscordComponents.ActionRows(reply.Actions ?? [], tenantId).ToList();
        if (text.Length <= DiscordLimits.Content) return new DiscordMessage(text, [], components);

        var pieces = DiscordText.Pack(text.Split('\n'), DiscordLimits.Content);
        var content = pieces[0];
        var rest = string.Join('\n', pieces.Skip(1));
        var embeds = new List<JsonObject>();
        var descriptions = DiscordText.Pack(rest.Split('\n'), DiscordLimits.EmbedDescription);
        // Room is kept for the "and more" footer, except for the very last piece, which needs none.
        var room = DiscordLimits.EmbedTotal - MoreHint.Length;
        var used = 0;
        for (var i = 0; i < descriptions.Count; i++)
        {
            var description = descriptions[i];
            var isLast = i == descriptions.Count - 1;
            var fits = isLast
                ? embeds.Count < DiscordLimits.EmbedsPerMessage && used + description.Length <= DiscordLimits.EmbedTotal
                : embeds.Count < DiscordLimits.EmbedsPerMessage - 1 && used + description.Length <= room;
            if (fits)
            {
                embeds.Add(DiscordEmbeds.Embed(null, description));
                used += description.Length;
                continue;
            }
            // What does not fit is left out, and the reader is told how to see it.
            var left = Math.Min(room - used, DiscordLimits.EmbedDescription);
            if (embeds.Count < DiscordLimits.EmbedsPerMessage && left > 200)
                embeds.Add(DiscordEmbeds.Embed(null, DiscordText.Truncate(description, left)));
            if (embeds.Count == 0) embeds.Add(DiscordEmbeds.Embed(null, null));
            embeds[^1]["footer"] = new JsonObject { ["text"] = MoreHint };
            break;
        }
        return new DiscordMessage(content, embeds, components);
    }

    /// <summary>
    /// <c>{"type": 9, "data": {custom_id, title, components}}</c>: one Label (type 18) with a paragraph Text Input (type 4)
    /// per field, the field id as <c>custom_id</c> (so <see cref="DiscordModalSubmission"/> hands the core its own ids back).
    /// </summary>
    /// <remarks>
    /// A modal holds at most 5 components. A form with more fields than that (a team with 5 questions, plus the ideas
    /// field) keeps its first three questions, gives the remaining questions one shared field (answered under the id of
    /// the first of them, so the answer is stored with that question), and keeps the ideas field last.
    /// </remarks>
    /// <param name="drafts">Values to fill in, by field id (what the person wrote before a refused submission).</param>
    public static JsonObject Modal(ChatForm form, string? tenantId, IReadOnlyDictionary<string, string>? drafts = null)
    {
        ArgumentNullException.ThrowIfNull(form);
        var components = new JsonArray();
        foreach (var (field, label, description) in LayOut(form.Fields))
        {
            var input = new JsonObject
            {
                ["type"] = DiscordComponents.TextInputType,
                ["custom_id"] = CheckedFieldId(field.Id),
                ["style"] = field.Multiline ? 2 : 1,
                ["max_length"] = Math.Clamp(field.MaxLength, 1, DiscordLimits.TextInputMaxLength),
                ["required"] = field.Required,
            };
            if (!string.IsNullOrWhiteSpace(field.Placeholder))
                input["placeholder"] = DiscordText.Shorten(OneLine(field.Placeholder), DiscordLimits.Placeholder);
            if (drafts?.GetValueOrDefault(field.Id) is { Length: > 0 } draft)
                input["value"] = draft.Length <= DiscordLimits.TextInputMaxLength ? draft : draft[..DiscordLimits.TextInputMaxLength];
            var wrapper = new JsonObject
            {
                ["type"] = DiscordComponents.LabelType,
                // Labels are plain text (no Markdown, no mentions), so they are shortened but not escaped.
                ["label"] = DiscordText.Shorten(OneLine(label), DiscordLimits.LabelText),
            };
            if (description is not null) wrapper["description"] = DiscordText.Shorten(OneLine(description), DiscordLimits.LabelDescription);
            wrapper["component"] = input;
            components.Add(wrapper);
        }

        return new JsonObject
        {
            ["type"] = DiscordResponseType.Modal,
            ["data"] = new JsonObject
            {
                ["custom_id"] = DiscordCustomId.For(form.SubmitActionId, tenantId),
                ["title"] = DiscordText.Shorten(OneLine(form.Title), DiscordLimits.ModalTitle),
                ["components"] = components,
            },
        };
    }

    /// <summary>The fields as the modal shows them, at most 5, with their label and (for a cut or merged label) a description.</summary>
    internal static IReadOnlyList<(ChatFormField Field, string Label, string? Description)> LayOut(IReadOnlyList<ChatFormField> fields)
    {
        var laidOut = new List<(ChatFormField, string, string?)>();
        if (fields.Count <= DiscordLimits.ModalComponents)
        {
            foreach (var field in fields) laidOut.Add((field, field.Label, Overflow(field.Label)));
            return laidOut;
        }

        var ideas = fields.FirstOrDefault(f => f.Id == PromptActions.IdeasField);
        var answers = fields.Where(f => f != ideas).ToList();
        var single = DiscordLimits.ModalComponents - (ideas is null ? 1 : 2);
        for (var i = 0; i < single; i++) laidOut.Add((answers[i], answers[i].Label, Overflow(answers[i].Label)));
        var shared = answers.Skip(single).ToList();
        var first = single + 1;
        var last = answers.Count;
        var numbers = last - first == 1 ? $"{first} and {last}" : $"{first} to {last}";
        var list = string.Join(" ", shared.Select((f, i) => $"{first + i}. {OneLine(f.Label)}"));
        laidOut.Add((shared[0] with { Required = false }, $"Questions {numbers}", list));
        if (ideas is not null) laidOut.Add((ideas, ideas.Label, Overflow(ideas.Label)));
        return laidOut;
    }

    /// <summary>A label longer than a Label shows continues in its description.</summary>
    private static string? Overflow(string label) => OneLine(label).Length > DiscordLimits.LabelText ? OneLine(label) : null;

    private static string OneLine(string text) => Core.Digest.DigestWording.CollapseLineBreaks(text).Trim();

    /// <summary>Ids route the submission back to the core: a cut id would route nowhere, so an over-long one is a bug.</summary>
    private static string CheckedFieldId(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return id.Length <= DiscordLimits.CustomId
            ? id
            : throw new ArgumentException($"Discord custom_id is {id.Length} chars; the limit is {DiscordLimits.CustomId}.", nameof(id));
    }
}
