using System.Text.Json.Serialization;

namespace ImproveBot.Core.Messaging;

/// <summary>
/// What the bot wants to say, before any platform renders it. Stored as JSON in the outbox,
/// so every type here must round-trip through System.Text.Json.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PromptMessage), "prompt")]
[JsonDerivedType(typeof(ReminderMessage), "reminder")]
[JsonDerivedType(typeof(DigestMessage), "digest")]
[JsonDerivedType(typeof(NoticeMessage), "notice")]
[JsonDerivedType(typeof(FollowUpMessage), "followup")]
[JsonDerivedType(typeof(TimeUpMessage), "timeup")]
[JsonDerivedType(typeof(ExportMessage), "export")]
public abstract record MessageContent;

/// <summary>The weekly DM: the team's questions and Start / Skip / Pause buttons.</summary>
public sealed record PromptMessage(long RoundId, DateOnly PromptDate, string MemberName, IReadOnlyList<string> Questions)
    : MessageContent
{
    [JsonIgnore]
    public IReadOnlyList<ChatAction> Actions =>
    [
        new(PromptActions.Start(RoundId), "Start 20-minute reflection", ChatActionStyle.Primary),
        new(PromptActions.Skip(RoundId), "Skip this week"),
        new(PromptActions.Pause, "Pause for 2 weeks"),
    ];
}

/// <summary>The one reminder to a member who has not answered.</summary>
public sealed record ReminderMessage(long RoundId, DateOnly PromptDate) : MessageContent
{
    [JsonIgnore]
    public IReadOnlyList<ChatAction> Actions =>
    [
        new(PromptActions.Start(RoundId), "Start 20-minute reflection", ChatActionStyle.Primary),
        new(PromptActions.Skip(RoundId), "Skip this week"),
    ];
}

/// <summary>"Your 20 minutes are up": sent once, 20 minutes after Start, while the form has not been submitted.</summary>
public sealed record TimeUpMessage(long RoundId, DateOnly PromptDate) : MessageContent
{
    [JsonIgnore]
    public IReadOnlyList<ChatAction> Actions => [new(PromptActions.Start(RoundId), "Open the form again", ChatActionStyle.Primary)];
}

/// <summary>The weekly digest, as a platform-neutral model each adapter renders in its own format.</summary>
internal sealed record DigestMessage(Digest.TeamDigest Digest) : MessageContent
{
    /// <summary>How many +1 buttons a digest carries at most (platforms cap buttons per message).</summary>
    public const int MaxVoteButtons = 10;

    /// <summary>+1 buttons for the open ideas the digest shows, most voted first.</summary>
    [JsonIgnore]
    public IReadOnlyList<ChatAction> Actions =>
        Digest.MostVoted.Concat(Digest.NewIdeaGroups.SelectMany(g => g.Ideas))
            .Where(i => i.Status is Ideas.IdeaStatus.New or Ideas.IdeaStatus.Trying)
            .DistinctBy(i => i.Id)
            .Take(MaxVoteButtons)
            .Select(i => new ChatAction(FollowUpActions.Vote(i.Id), $"+1 #{i.Id}"))
            .ToList();
}

/// <summary>"Did you try it?" for one idea, some weeks after it was logged: outcome buttons and a 1–5 value rating.</summary>
/// <param name="IdeaText">The author's own text, shown back to them; platforms escape it like any user text.</param>
public sealed record FollowUpMessage(long IdeaId, string IdeaText, DateOnly LoggedOn, int AskedTimes) : MessageContent
{
    [JsonIgnore]
    public IReadOnlyList<ChatAction> Actions =>
    [
        new(FollowUpActions.Answer(IdeaId, Ideas.FollowUpAnswer.Helped), "Tried it, it helped", ChatActionStyle.Primary),
        new(FollowUpActions.Answer(IdeaId, Ideas.FollowUpAnswer.DidNotHelp), "Tried it, didn't help"),
        new(FollowUpActions.Answer(IdeaId, Ideas.FollowUpAnswer.NotYet), "Not yet"),
        new(FollowUpActions.Answer(IdeaId, Ideas.FollowUpAnswer.Drop), "Drop it", ChatActionStyle.Danger),
    ];

    /// <summary>The optional value rating, offered as a second row of buttons.</summary>
    [JsonIgnore]
    public IReadOnlyList<ChatAction> RatingActions =>
        Enumerable.Range(1, 5).Select(v => new ChatAction(FollowUpActions.Rate(IdeaId, v), $"{v}")).ToList();
}

/// <summary>Plain text from the bot (confirmations, notices). Text is the bot's own, not user input.</summary>
public sealed record NoticeMessage(string Text) : MessageContent;

/// <summary>
/// One part of a member's data export (<c>/improve export</c>): a slice of a JSON document, sent as a code block. Joined
/// in order, the parts are the document. The JSON escapes <c>&lt; &gt; &amp; ' ` +</c> and non-ASCII as <c>\uXXXX</c>, so
/// a slice holds nothing a platform's markup could read (no mention, no code fence): renderers wrap it, never escape it.
/// </summary>
public sealed record ExportMessage(int Part, int Parts, string Json) : MessageContent;

/// <summary>A button.</summary>
public sealed record ChatAction(string Id, string Label, ChatActionStyle Style = ChatActionStyle.Default);

public enum ChatActionStyle
{
    Default = 0,
    Primary = 1,
    Danger = 2,
}

/// <summary>A form (Slack modal, Discord modal, local HTML form) with its submit action id.</summary>
public sealed record ChatForm(string SubmitActionId, string Title, IReadOnlyList<ChatFormField> Fields);

/// <summary>A text field of a <see cref="ChatForm"/>.</summary>
public sealed record ChatFormField(string Id, string Label, bool Multiline, bool Required, int MaxLength, string? Placeholder = null);

/// <summary>What a user sees in answer to a command or a button: ephemeral text, maybe buttons, maybe a form to open.</summary>
public sealed record Reply(string Text, IReadOnlyList<ChatAction>? Actions = null, ChatForm? Form = null)
{
    public static Reply Of(string text) => new(text);
}
