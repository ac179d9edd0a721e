namespace ImproveBot.Core.Ideas;

/// <summary>One improvement idea in the shared store.</summary>
public sealed class Idea
{
    /// <summary>Longest idea text accepted, in characters.</summary>
    public const int MaxTextLength = 2000;

    /// <summary>How often the author is asked whether they tried the idea, at most.</summary>
    public const int MaxFollowUps = 3;

    private Idea()
    {
        Text = "";
    }

    internal Idea(long teamId, long authorId, string text, IEnumerable<string> tags, IdeaSource source,
        IdeaVisibility visibility, DateTimeOffset now, Reflections.Reflection? reflection = null)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("An idea needs text.", nameof(text));
        if (text.Length > MaxTextLength) throw new ArgumentException($"An idea is at most {MaxTextLength} characters.", nameof(text));
        TeamId = teamId;
        AuthorId = authorId;
        Text = text;
        Tags = tags.Distinct().ToList();
        Source = source;
        Visibility = visibility;
        Status = IdeaStatus.New;
        CreatedAt = now;
        UpdatedAt = now;
        Reflection = reflection;
    }

    public long Id { get; private set; }
    public long TeamId { get; private set; }
    public long AuthorId { get; private set; }
    public string Text { get; private set; }
    public List<string> Tags { get; private set; } = [];
    public IdeaSource Source { get; private set; }
    public IdeaVisibility Visibility { get; private set; }
    public IdeaStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When the status last changed; null while it is still <see cref="IdeaStatus.New"/>.</summary>
    public DateTimeOffset? StatusChangedAt { get; private set; }

    /// <summary>The reflection this idea was written in, for <see cref="IdeaSource.Reflection"/> ideas.</summary>
    public long? ReflectionId { get; private set; }

    /// <summary>Navigation to the reflection, so an idea and a new reflection commit together.</summary>
    public Reflections.Reflection? Reflection { get; private set; }

    public List<IdeaVote> Votes { get; private set; } = [];

    /// <summary>What the author answered to a follow-up; null until they answer one that settles it.</summary>
    public IdeaOutcome? Outcome { get; private set; }

    /// <summary>The author's 1–5 rating of how valuable the idea turned out.</summary>
    public int? Value { get; private set; }

    /// <summary>When the outcome or value was last recorded.</summary>
    public DateTimeOffset? OutcomeAt { get; private set; }

    /// <summary>When the author is next asked "did you try it?"; null when no follow-up is planned.</summary>
    public DateTimeOffset? FollowUpDueAt { get; private set; }

    /// <summary>How many follow-ups were sent (at most <see cref="MaxFollowUps"/>).</summary>
    public int FollowUpCount { get; private set; }

    /// <summary>Whether the idea still waits for an answer about trying it.</summary>
    public bool IsOpen => Status is IdeaStatus.New or IdeaStatus.Trying;

    /// <summary>Whether a member other than the author may see this idea.</summary>
    public bool IsVisibleToTeam => Visibility != IdeaVisibility.Private;

    internal bool ChangeStatus(IdeaStatus status, DateTimeOffset now)
    {
        if (status == Status) return false;
        Status = status;
        StatusChangedAt = now;
        UpdatedAt = now;
        return true;
    }

    /// <summary>Plans the first follow-up; a zero or negative delay means the team does not follow up.</summary>
    internal void PlanFollowUp(TimeSpan delay)
    {
        FollowUpDueAt = delay > TimeSpan.Zero ? CreatedAt + delay : null;
    }

    /// <summary>Counts a sent follow-up and plans the next one, unless this was the last.</summary>
    internal void MarkFollowUpSent(DateTimeOffset now, TimeSpan delay)
    {
        FollowUpCount++;
        FollowUpDueAt = FollowUpCount < MaxFollowUps && delay > TimeSpan.Zero ? now + delay : null;
    }

    /// <summary>Records the author's answer: it moves the status and, except for "not yet", settles the idea.</summary>
    internal void RecordAnswer(FollowUpAnswer answer, DateTimeOffset now, TimeSpan delay)
    {
        switch (answer)
        {
            case FollowUpAnswer.Helped:
                Settle(IdeaStatus.Adopted, IdeaOutcome.Helped, now);
                break;
            case FollowUpAnswer.DidNotHelp:
                Settle(IdeaStatus.Dropped, IdeaOutcome.DidNotHelp, now);
                break;
            case FollowUpAnswer.Drop:
                Settle(IdeaStatus.Dropped, IdeaOutcome.DroppedUntried, now);
                break;
            case FollowUpAnswer.NotYet:
                // Still on the author's list: it counts as being tried, and we ask again later (within the limit).
                if (Status == IdeaStatus.New) ChangeStatus(IdeaStatus.Trying, now);
                FollowUpDueAt = FollowUpCount < MaxFollowUps && delay > TimeSpan.Zero ? now + delay : null;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(answer), answer, "Unknown follow-up answer.");
        }
    }

    /// <summary>Records a 1–5 value rating.</summary>
    internal void Rate(int value, DateTimeOffset now)
    {
        if (value is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(value), value, "A value rating is 1 to 5.");
        Value = value;
        OutcomeAt = now;
        UpdatedAt = now;
    }

    private void Settle(IdeaStatus status, IdeaOutcome outcome, DateTimeOffset now)
    {
        ChangeStatus(status, now);
        Outcome = outcome;
        OutcomeAt = now;
        FollowUpDueAt = null;
    }

    /// <summary>Adds a vote unless the member already voted; returns whether a vote was added.</summary>
    internal bool AddVote(long memberId, DateTimeOffset now)
    {
        if (Votes.Any(v => v.MemberId == memberId)) return false;
        Votes.Add(new IdeaVote(memberId, now));
        return true;
    }
}

/// <summary>One member's +1 on an idea; a member votes once per idea.</summary>
public sealed class IdeaVote
{
    private IdeaVote() { }

    internal IdeaVote(long memberId, DateTimeOffset now)
    {
        MemberId = memberId;
        CreatedAt = now;
    }

    public long IdeaId { get; private set; }
    public long MemberId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
}
