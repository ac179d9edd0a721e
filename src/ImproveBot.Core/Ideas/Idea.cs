namespace ImproveBot.Core.Ideas;

/// <summary>One improvement idea in the shared store.</summary>
public sealed class Idea
{
    /// <summary>Longest idea text accepted, in characters.</summary>
    public const int MaxTextLength = 2000;

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
