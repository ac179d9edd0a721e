using System.Text.Json.Nodes;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Discord.Rendering;

/// <summary>How a message is rendered for where it goes.</summary>
/// <param name="TenantId">The server a DM belongs to, carried in its button ids (see <see cref="DiscordCustomId"/>); null in a server channel.</param>
/// <param name="PlainRepliesCount">Whether a plain DM reply is read as the reflection (the Gateway is on); the hint says so only then.</param>
internal sealed record DiscordRenderContext(string? TenantId, bool PlainRepliesCount)
{
    public static DiscordRenderContext Channel { get; } = new(null, false);
}

/// <summary>
/// Renders the core's outgoing <see cref="MessageContent"/> as Discord messages (content, embeds, buttons). Pure: no I/O,
/// same output on every host. Every piece of user text goes through <see cref="DiscordText"/>.
/// </summary>
internal static class DiscordMessageRenderer
{
    internal const string StartHint = "Press **Start** when you have 20 minutes.";
    internal const string ReplyHint = "Press **Start** when you have 20 minutes, or simply reply to this DM: a plain reply counts too.";

    /// <summary>The one entry point: one message, or several for a digest or notice too long for one.</summary>
    /// <exception cref="NotSupportedException">A message kind without a Discord rendering (a bug to fix here, not to retry).</exception>
    public static IReadOnlyList<DiscordMessage> Render(MessageContent content, DiscordRenderContext context)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return content switch
        {
            PromptMessage prompt => [RenderPrompt(prompt, context)],
            ReminderMessage reminder => [RenderReminder(reminder, context)],
            TimeUpMessage timeUp => [RenderTimeUp(timeUp, context)],
            FollowUpMessage followUp => [RenderFollowUp(followUp, context)],
            NoticeMessage notice => RenderNotice(notice),
            ExportMessage export => [RenderExport(export)],
            DigestMessage digest => DiscordDigestRenderer.Render(digest.Digest, digest.Actions),
            _ => throw new NotSupportedException($"No Discord rendering for {content.GetType().Name}."),
        };
    }

    /// <summary>The digest on its own, with its +1 buttons; split over several messages when long.</summary>
    public static IReadOnlyList<DiscordMessage> RenderDigest(TeamDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return DiscordDigestRenderer.Render(digest, new DigestMessage(digest).Actions);
    }

    private static DiscordMessage RenderPrompt(PromptMessage prompt, DiscordRenderContext context)
    {
        // A display name is short on Discord (32); shortening guards the greeting against a pathological stored one.
        var greeting = $"Hi {DiscordText.Inline(DiscordText.Shorten(prompt.MemberName, 100))}! Time for your weekly 20-minute improvement "
            + $"reflection (week of {DiscordText.Date(prompt.PromptDate)}).";
        // The questions go in an embed: five questions of 300 chars, escaped, would not fit the 2,000 chars of content.
        var questions = prompt.Questions.Select((q, i) => $"{DiscordText.Number(i + 1)}. {DiscordText.Inline(q)}");
        var embeds = DiscordEmbeds.Section("This week's questions", questions).ToList();
        return new DiscordMessage($"{greeting}\n{Hint(context)}", embeds, DiscordComponents.ActionRows(prompt.Actions, context.TenantId).ToList());
    }

    private static DiscordMessage RenderReminder(ReminderMessage reminder, DiscordRenderContext context) =>
        DiscordMessage.Text(
            "Friendly reminder: your 20-minute improvement reflection for the week of "
            + $"{DiscordText.Date(reminder.PromptDate)} is still open.\n{Hint(context)}",
            DiscordComponents.ActionRows(reminder.Actions, context.TenantId).ToList());

    private static DiscordMessage RenderTimeUp(TimeUpMessage timeUp, DiscordRenderContext context) =>
        DiscordMessage.Text(
            "Your 20 minutes are up. Submit what you have: a few honest lines are worth more than a perfect answer.",
            DiscordComponents.ActionRows(timeUp.Actions, context.TenantId).ToList());

    private static DiscordMessage RenderFollowUp(FollowUpMessage followUp, DiscordRenderContext context)
    {
        var content = $"On {DiscordText.Date(followUp.LoggedOn)} you logged #{DiscordText.Number(followUp.IdeaId)}. Did you try it, and did it help?";
        // The idea quoted in an embed: an escaped 2,000-char idea can pass the content limit, never the description's.
        var quote = DiscordEmbeds.Embed(null, DiscordText.Inline(followUp.IdeaText));
        quote["footer"] = new JsonObject { ["text"] = "Optional: how valuable was it, from 1 (not at all) to 5 (very)? The second row of buttons." };
        // Answers first, then the ratings on a row of their own.
        var rows = DiscordComponents.ActionRows(followUp.Actions, context.TenantId)
            .Concat(DiscordComponents.ActionRows(followUp.RatingActions, context.TenantId)).ToList();
        return new DiscordMessage(content, [quote], rows);
    }

    // Inside a code block Discord shows text as it is, so the slice is not escaped; it cannot hold a backtick (the core's
    // JSON escapes it), so it cannot close the block, and no mention is parsed there (nor anywhere: allowed_mentions).
    private static DiscordMessage RenderExport(ExportMessage export) =>
        DiscordMessage.Text($"Your ImproveBot data, part {export.Part} of {export.Parts}. Join the parts in order for one JSON document.\n```json\n{export.Json}\n```");

    private static IReadOnlyList<DiscordMessage> RenderNotice(NoticeMessage notice)
    {
        // The bot's own words, but escaped all the same: a notice may one day quote someone.
        var text = DiscordText.Multiline(notice.Text);
        if (text.Length == 0) text = "\u200B"; // Discord refuses an empty message.
        return DiscordText.Pack(text.Split('\n'), DiscordLimits.Content).Select(t => DiscordMessage.Text(t)).ToList();
    }

    private static string Hint(DiscordRenderContext context) => context.PlainRepliesCount ? ReplyHint : StartHint;
}
