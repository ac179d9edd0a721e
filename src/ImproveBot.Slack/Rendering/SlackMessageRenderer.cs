using System.Text.Json.Nodes;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Slack.Rendering;

/// <summary>
/// Renders the core's outgoing <see cref="MessageContent"/> as Slack messages (Block Kit plus escaped fallback text).
/// Pure: no I/O, same output on every host. Every piece of user text goes through <see cref="SlackText"/>.
/// </summary>
internal static class SlackMessageRenderer
{
    /// <summary>Said under prompts and reminders: the DM itself is a way to answer, not only the button.</summary>
    internal const string ReplyHint = "Press *Start* when you have 20 minutes, or simply reply to this DM: a plain reply counts too.";

    /// <summary>The one entry point: one message, or several for a digest too long for one.</summary>
    /// <exception cref="NotSupportedException">A message kind without a Slack rendering (a bug to fix here, not to retry).</exception>
    public static IReadOnlyList<SlackMessage> Render(MessageContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return content switch
        {
            PromptMessage prompt => [RenderPrompt(prompt)],
            ReminderMessage reminder => [RenderReminder(reminder)],
            TimeUpMessage timeUp => [RenderTimeUp(timeUp)],
            FollowUpMessage followUp => [RenderFollowUp(followUp)],
            NoticeMessage notice => RenderNotice(notice),
            ExportMessage export => [RenderExport(export)],
            DigestMessage digest => SlackDigestRenderer.Render(digest.Digest, digest.Actions),
            _ => throw new NotSupportedException($"No Slack rendering for {content.GetType().Name}."),
        };
    }

    /// <summary>The digest on its own, with its +1 buttons; split over several messages when long.</summary>
    public static IReadOnlyList<SlackMessage> RenderDigest(TeamDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return SlackDigestRenderer.Render(digest, new DigestMessage(digest).Actions);
    }

    private static SlackMessage RenderPrompt(PromptMessage prompt)
    {
        // A display name is short on Slack; shortening guards the one-section greeting against a pathological one.
        var greeting = $"Hi {SlackText.Inline(SlackText.Shorten(prompt.MemberName, 100))}! Time for your weekly 20-minute improvement reflection "
            + $"(week of {SlackText.Date(prompt.PromptDate)}).";
        var blocks = new JsonArray(BlockKit.Section(greeting));
        var questions = prompt.Questions.Select((q, i) => $"{SlackText.Number(i + 1)}. {SlackText.Inline(q)}");
        foreach (var section in BlockKit.Sections(questions)) blocks.Add(section);
        foreach (var actions in BlockKit.Actions(prompt.Actions)) blocks.Add(actions);
        blocks.Add(BlockKit.Context(ReplyHint));
        return new SlackMessage(greeting, blocks);
    }

    private static SlackMessage RenderReminder(ReminderMessage reminder)
    {
        var text = "Friendly reminder: your 20-minute improvement reflection for the week of "
            + $"{SlackText.Date(reminder.PromptDate)} is still open.";
        var blocks = new JsonArray(BlockKit.Section(text));
        foreach (var actions in BlockKit.Actions(reminder.Actions)) blocks.Add(actions);
        blocks.Add(BlockKit.Context(ReplyHint));
        return new SlackMessage(text, blocks);
    }

    private static SlackMessage RenderTimeUp(TimeUpMessage timeUp)
    {
        const string text = "Your 20 minutes are up. Submit what you have: a few honest lines are worth more than a perfect answer.";
        var blocks = new JsonArray(BlockKit.Section(text));
        foreach (var actions in BlockKit.Actions(timeUp.Actions)) blocks.Add(actions);
        return new SlackMessage(text, blocks);
    }

    private static SlackMessage RenderFollowUp(FollowUpMessage followUp)
    {
        var logged = $"On {SlackText.Date(followUp.LoggedOn)} you logged #{SlackText.Number(followUp.IdeaId)}:";
        var question = "Did you try it, and did it help?";
        var blocks = new JsonArray(BlockKit.Section(logged));
        // The idea quoted; an escaped 2,000-char idea can pass 3,000 chars, so it may take several quote sections.
        foreach (var piece in SlackText.Split(SlackText.Inline(followUp.IdeaText), BlockKitLimits.Text - 2))
            blocks.Add(BlockKit.Section("> " + piece));
        blocks.Add(BlockKit.Section(question));
        foreach (var actions in BlockKit.Actions(followUp.Actions)) blocks.Add(actions);
        blocks.Add(BlockKit.Context("Optional: how valuable was it, from 1 (not at all) to 5 (very)?"));
        foreach (var actions in BlockKit.Actions(followUp.RatingActions)) blocks.Add(actions);

        var text = $"{logged} \u201C{SlackText.Inline(SlackText.Shorten(followUp.IdeaText, 120))}\u201D. {question}";
        return new SlackMessage(text, blocks);
    }

    private static SlackMessage RenderExport(ExportMessage export)
    {
        // The slice holds no & < > (the core's JSON escapes them), so escaping changes nothing; it stays for safety.
        var heading = $"Your ImproveBot data, part {export.Part} of {export.Parts}. Join the parts in order for one JSON document.";
        var code = "```" + SlackText.Escape(export.Json) + "```";
        return new SlackMessage(heading, new System.Text.Json.Nodes.JsonArray(BlockKit.Section(heading), BlockKit.Section(code)));
    }

    private static IReadOnlyList<SlackMessage> RenderNotice(NoticeMessage notice)
    {
        // The bot's own words, but escaped all the same: a notice may one day quote someone.
        var text = SlackText.Multiline(notice.Text);
        if (text.Length == 0) text = "\u200B"; // Slack refuses an empty text object.
        var sections = BlockKit.Sections(text.Split('\n')).ToList();
        return SlackPager.Paginate(sections, [], _ => null, _ => text);
    }
}
