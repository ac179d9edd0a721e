using NodaTime;

namespace ImproveBot.Core.Reflections;

/// <summary>
/// One week's reflection for a team, named by the local date of the prompt day
/// (every member is prompted on that date in their own zone).
/// </summary>
public sealed class ReflectionRound
{
    private ReflectionRound() { }

    internal ReflectionRound(long teamId, LocalDate promptDate, DateTimeOffset closesAt, DateTimeOffset now)
    {
        TeamId = teamId;
        PromptDate = promptDate;
        ClosesAt = closesAt;
        CreatedAt = now;
    }

    public long Id { get; private set; }
    public long TeamId { get; private set; }
    public LocalDate PromptDate { get; private set; }

    /// <summary>When the reflection window ends and the digest is due.</summary>
    public DateTimeOffset ClosesAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DigestPostedAt { get; internal set; }
}

/// <summary>Where a member's prompt for a round stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Queued in the outbox, not yet confirmed sent by the platform.</summary>
    Pending = 0,
    Sent = 1,
    Reminded = 2,
    Answered = 3,
    Skipped = 4,
}

/// <summary>The prompt to one member for one round; unique per (round, member), which is what makes "never twice" hold.</summary>
public sealed class PromptDelivery
{
    private PromptDelivery() { }

    internal PromptDelivery(long roundId, long memberId, DateTimeOffset dueAt, DateTimeOffset now)
    {
        RoundId = roundId;
        MemberId = memberId;
        DueAt = dueAt;
        CreatedAt = now;
        Status = DeliveryStatus.Pending;
    }

    public long Id { get; private set; }
    public long RoundId { get; private set; }
    public long MemberId { get; private set; }
    public DeliveryStatus Status { get; private set; }
    public DateTimeOffset DueAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public DateTimeOffset? RemindedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? AnsweredAt { get; private set; }
    public DateTimeOffset? SkippedAt { get; private set; }

    /// <summary>When the "time is up" nudge went out, 20 minutes after Start.</summary>
    public DateTimeOffset? NudgedAt { get; private set; }

    public bool IsOpen => Status is DeliveryStatus.Pending or DeliveryStatus.Sent or DeliveryStatus.Reminded;

    internal void MarkSent(DateTimeOffset now)
    {
        if (Status != DeliveryStatus.Pending) return;
        Status = DeliveryStatus.Sent;
        SentAt = now;
    }

    internal void MarkReminded(DateTimeOffset now)
    {
        if (Status != DeliveryStatus.Sent) return;
        Status = DeliveryStatus.Reminded;
        RemindedAt = now;
    }

    /// <summary>Records the first press of "Start reflection"; the session's duration runs from here.</summary>
    internal void MarkStarted(DateTimeOffset now) => StartedAt ??= now;

    internal void MarkNudged(DateTimeOffset now) => NudgedAt ??= now;

    internal void MarkAnswered(DateTimeOffset now)
    {
        Status = DeliveryStatus.Answered;
        AnsweredAt ??= now;
    }

    internal void MarkSkipped(DateTimeOffset now)
    {
        if (Status == DeliveryStatus.Answered) return;
        Status = DeliveryStatus.Skipped;
        SkippedAt = now;
    }
}

/// <summary>A member's answers for one round.</summary>
public sealed class Reflection
{
    private Reflection() { }

    internal Reflection(long roundId, long memberId, IEnumerable<string> answers, DateTimeOffset? startedAt, DateTimeOffset submittedAt)
    {
        RoundId = roundId;
        MemberId = memberId;
        Answers = answers.ToList();
        StartedAt = startedAt;
        SubmittedAt = submittedAt;
    }

    public long Id { get; private set; }
    public long RoundId { get; private set; }
    public long MemberId { get; private set; }
    public List<string> Answers { get; private set; } = [];

    /// <summary>When the member pressed Start; null for plain replies, whose duration is unknown.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset SubmittedAt { get; private set; }

    public TimeSpan? Duration => StartedAt is { } s ? SubmittedAt - s : null;

    internal void Replace(IEnumerable<string> answers, DateTimeOffset submittedAt)
    {
        Answers = answers.ToList();
        SubmittedAt = submittedAt;
    }
}
