namespace ImproveBot.Core.Ideas;

/// <summary>Storage port for ideas and votes.</summary>
public interface IIdeaStore
{
    void Add(Idea idea);

    /// <summary>
    /// Stores a new idea and commits it now, on its own: nothing else staged in the unit of work is written. Ideas
    /// that other requests commit at the same moment may share its transaction. On return the idea is durable and has its id.
    /// </summary>
    Task AddAndCommitAsync(Idea idea, CancellationToken ct);

    /// <summary>Stages the deletion of an idea (and its votes).</summary>
    void Remove(Idea idea);

    /// <summary>The idea with its votes, tracked for changes.</summary>
    Task<Idea?> GetAsync(long ideaId, CancellationToken ct);

    /// <summary>Ideas matching a query, newest first; private ideas only when <see cref="IdeaQuery.ViewerId"/> is their author.</summary>
    Task<IReadOnlyList<IdeaView>> SearchAsync(IdeaQuery query, CancellationToken ct);

    /// <summary>Ideas of a team that are new, changed status or got an outcome in [from, to), or are open with votes (never private).</summary>
    Task<IReadOnlyList<IdeaView>> ListForDigestAsync(long teamId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>
    /// Open ideas (new or trying) with a planned follow-up that is due by <paramref name="dueBy"/>
    /// (any planned one when null), optionally of one team, tracked for changes, oldest due first.
    /// </summary>
    Task<IReadOnlyList<Idea>> ListFollowUpsDueAsync(DateTimeOffset? dueBy, long? teamId, int max, CancellationToken ct);
}

/// <summary>A search over ideas. Null fields do not filter. <see cref="IncludeAllPrivate"/> is for internal indexes that filter per viewer themselves, never for a listing. <see cref="AuthorName"/> matches a display name or user id, never an anonymous idea.</summary>
public sealed record IdeaQuery(
    long? TeamId,
    long? ViewerId,
    long? AuthorId = null,
    string? Tag = null,
    string? Words = null,
    IdeaStatus? Status = null,
    IdeaSource? Source = null,
    int Limit = 20,
    string? AuthorName = null,
    DateTimeOffset? CreatedSince = null,
    bool IncludeAllPrivate = false);

/// <summary>An idea as read for display: text, author name (null when anonymous), vote count.</summary>
public sealed record IdeaView(
    long Id,
    long TeamId,
    string Text,
    IReadOnlyList<string> Tags,
    IdeaSource Source,
    IdeaVisibility Visibility,
    IdeaStatus Status,
    long AuthorId,
    string AuthorName,
    int Votes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StatusChangedAt,
    IdeaOutcome? Outcome = null,
    int? Value = null,
    DateTimeOffset? OutcomeAt = null)
{
    /// <summary>The author's name as others may see it: null for anonymous ideas.</summary>
    public string? PublicAuthor => Visibility == IdeaVisibility.Anonymous ? null : AuthorName;
}
