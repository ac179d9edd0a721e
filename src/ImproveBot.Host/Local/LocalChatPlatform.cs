using System.Text;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Host.Local;

/// <summary>The chat platform of the local playground: messages land in <see cref="LocalMailbox"/>, rendered as Markdown.</summary>
internal sealed class LocalChatPlatform(LocalMailbox mailbox, TimeProvider time) : IChatPlatform
{
    public const string PlatformName = "local";
    public const string TenantId = "local";

    public string Name => PlatformName;

    public Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var (kind, text, actions) = Render(message.Content);
        var box = message.Destination.Kind == DestinationKind.DirectMessage
            ? LocalMailbox.Inbox(message.Destination.Address)
            : LocalMailbox.Channel(message.Destination.Address);
        mailbox.Deliver(box, kind, text, actions, time.GetUtcNow());
        return Task.CompletedTask;
    }

    internal static (string Kind, string Text, IReadOnlyList<ChatAction> Actions) Render(MessageContent content) => content switch
    {
        PromptMessage p => ("prompt", RenderPrompt(p), p.Actions),
        ReminderMessage r => ("reminder",
            $"Friendly reminder: your 20-minute improvement reflection for the week of {r.PromptDate:yyyy-MM-dd} is still open.", r.Actions),
        DigestMessage d => ("digest", MarkdownDigestRenderer.Render(d.Digest), d.Actions),
        NoticeMessage n => ("notice", n.Text, []),
        ExportMessage e => ("export", e.Json, []),
        TimeUpMessage t => ("timeup",
            "Your 20 minutes are up. Submit what you have: a few honest lines are worth more than a perfect answer.", t.Actions),
        FollowUpMessage f => ("followup",
            $"On {f.LoggedOn:yyyy-MM-dd} you logged #{f.IdeaId}: \"{MarkdownText.Escape(f.IdeaText)}\". Did you try it, and did it help? " +
            "Rate its value 1–5 too, if you like.",
            [.. f.Actions, .. f.RatingActions]),
        _ => ("notice", "(a message this playground cannot show)", []),
    };

    private static string RenderPrompt(PromptMessage prompt)
    {
        var text = new StringBuilder()
            .Append("Hi ").Append(MarkdownText.Escape(prompt.MemberName))
            .Append("! Time for your weekly 20-minute improvement reflection (week of ")
            .Append(prompt.PromptDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Append(").\n");
        for (var i = 0; i < prompt.Questions.Count; i++)
            text.Append(i + 1).Append(". ").Append(MarkdownText.Escape(prompt.Questions[i])).Append('\n');
        text.Append("Press Start when you have 20 minutes, or reply with your answers.");
        return text.ToString();
    }
}
