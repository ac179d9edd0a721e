using ImproveBot.Core.Ideas;
using Microsoft.EntityFrameworkCore;

namespace ImproveBot.Data.Stores;

internal sealed class EfIdeaStore(ImproveBotDbContext db, IdeaGroupCommit groupCommit, EfInboundLog inboundLog) : IIdeaStore
{
    // Interactive lists ask for a few dozen; statistics read a team's weeks of ideas in one go.
    private const int MaxSearchResults = 50_000;

    public void Add(Idea idea) => db.Ideas.Add(idea);

    public async Task AddAndCommitAsync(Idea idea, CancellationToken ct)
    {
        // The delivery that brought the idea is recorded in the same commit, so the hot path pays for one commit.
        // A batch that failed is retried idea by idea, so the failure each caller sees is its own idea's (IdeaGroupCommit).
        var deliveries = inboundLog.Unsaved();
        await StorageErrors.GuardAsync(() => groupCommit.CommitAsync(idea, deliveries, ct));
        inboundLog.MarkSaved(deliveries);
    }

    public void Remove(Idea idea) => db.Ideas.Remove(idea);

    public async Task<IReadOnlyList<Idea>> ListFollowUpsDueAsync(DateTimeOffset? dueBy, long? teamId, int max, CancellationToken ct)
    {
        var ideas = db.Ideas.Where(i => (i.Status == IdeaStatus.New || i.Status == IdeaStatus.Trying)
                                        && i.FollowUpDueAt != null && i.FollowUpCount < Idea.MaxFollowUps);
        if (dueBy is { } by) ideas = ideas.Where(i => i.FollowUpDueAt <= by);
        if (teamId is { } team) ideas = ideas.Where(i => i.TeamId == team);
        return await ideas.OrderBy(i => i.FollowUpDueAt).ThenBy(i => i.Id).Take(max).ToListAsync(ct);
    }

    public Task<Idea?> GetAsync(long ideaId, CancellationToken ct) =>
        db.Ideas.Include(i => i.Votes).FirstOrDefaultAsync(i => i.Id == ideaId, ct);

    public async Task<IReadOnlyList<IdeaView>> SearchAsync(IdeaQuery query, CancellationToken ct)
    {
        var ideas = db.Ideas.AsNoTracking();
        if (query.TeamId is { } teamId) ideas = ideas.Where(i => i.TeamId == teamId);
        if (query.AuthorId is { } authorId) ideas = ideas.Where(i => i.AuthorId == authorId);
        // Private ideas exist only for their author.
        var viewer = query.ViewerId;
        if (!query.IncludeAllPrivate)
            ideas = ideas.Where(i => i.Visibility != IdeaVisibility.Private || (viewer != null && i.AuthorId == viewer));
        if (query.AuthorName is { Length: > 0 } name)
        {
            ideas = ideas.Where(i => i.Visibility != IdeaVisibility.Anonymous
                                     && db.Members.Any(m => m.Id == i.AuthorId && (m.DisplayName == name || m.UserId == name)));
        }
        if (query.CreatedSince is { } since) ideas = ideas.Where(i => i.CreatedAt >= since);
        if (query.Status is { } status) ideas = ideas.Where(i => i.Status == status);
        if (query.Source is { } source) ideas = ideas.Where(i => i.Source == source);
        if (query.Tag is { Length: > 0 } tag)
        {
            var normalised = tag.TrimStart('#').ToLowerInvariant();
            ideas = ideas.Where(i => i.Tags.Contains(normalised));
        }
        if (query.Words is { Length: > 0 } words)
        {
            foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(5))
            {
                var pattern = "%" + EscapeLike(word.ToLowerInvariant()) + "%";
                ideas = ideas.Where(i => EF.Functions.Like(i.Text.ToLower(), pattern, "\\"));
            }
        }
        return await Project(ideas.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Take(Math.Clamp(query.Limit, 1, MaxSearchResults)))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<IdeaView>> ListForDigestAsync(long teamId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var ideas = db.Ideas.AsNoTracking()
            .Where(i => i.TeamId == teamId && i.Visibility != IdeaVisibility.Private)
            .Where(i => (i.CreatedAt >= from && i.CreatedAt < to)
                        || (i.StatusChangedAt != null && i.StatusChangedAt >= from && i.StatusChangedAt < to)
                        || (i.OutcomeAt != null && i.OutcomeAt >= from && i.OutcomeAt < to)
                        || ((i.Status == IdeaStatus.New || i.Status == IdeaStatus.Trying) && i.Votes.Any()));
        return await Project(ideas.OrderBy(i => i.Id)).ToListAsync(ct);
    }

    private IQueryable<IdeaView> Project(IQueryable<Idea> ideas) =>
        from i in ideas
        join m in db.Members on i.AuthorId equals m.Id
        select new IdeaView(i.Id, i.TeamId, i.Text, i.Tags, i.Source, i.Visibility, i.Status, i.AuthorId, m.DisplayName,
            i.Votes.Count, i.CreatedAt, i.StatusChangedAt, i.Outcome, i.Value, i.OutcomeAt);

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
