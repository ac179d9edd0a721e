using System.Collections.Concurrent;

namespace ImproveBot.Core.Ideas.Similarity;

/// <summary>
/// Each team's recent ideas with their words normalised, kept in memory so that checking a new idea for a near
/// duplicate scores prepared candidates instead of reading and normalising thousands of rows per command.
/// </summary>
/// <remarks>
/// Ideas this process logs or withdraws update the index at once; a team's entry is reloaded from the store after
/// <see cref="Lifetime"/>, which brings in what other instances logged. A suggestion that is a minute stale is
/// harmless: it is only an offer, and the +1 it leads to is checked against the store. So one request reloads an old
/// entry while the others go on with it meanwhile: under load, every request of the moment would otherwise read and
/// index the team's 2,000 newest ideas at once, once a minute.
/// </remarks>
internal sealed class TeamIdeaIndex(TimeProvider time)
{
    /// <summary>How many of a team's newest ideas a new idea is compared with.</summary>
    public const int Capacity = 2000;

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<long, TeamEntry> _teams = new();

    /// <summary>An idea as the index keeps it.</summary>
    public sealed record Entry(long Id, long AuthorId, IdeaVisibility Visibility, string? PublicAuthor, PreparedCandidate Candidate);

    /// <summary>
    /// The idea most similar to <paramref name="idea"/>, which was just stored, among those its author may see (team-visible
    /// ideas and their own), then adds it; <paramref name="load"/> reads the team's newest ideas when the entry is missing
    /// or old. The text is normalised once, outside the team's lock, and the lock is taken once.
    /// </summary>
    public async Task<(Entry Idea, double Score)?> FindThenAddAsync(Idea idea, string authorName,
        Func<CancellationToken, Task<IReadOnlyList<IdeaView>>> load, CancellationToken ct)
    {
        var prepared = PreparedCandidate.Of(0, idea.Text);
        var publicAuthor = idea.Visibility == IdeaVisibility.Team ? authorName : null;
        var entry = await EntryAsync(idea.TeamId, load, ct);
        // Under the team's lock: the word index is small work per search (see IdeaWordIndex), and keeps no copies.
        lock (entry.Gate)
        {
            var similar = entry.Index.FindMostSimilar(prepared, idea.AuthorId, excludeId: idea.Id);
            entry.Index.Add(idea.Id, idea.AuthorId, idea.Visibility, publicAuthor, prepared);
            return similar;
        }
    }

    /// <summary>Drops an idea this process withdrew.</summary>
    public void Removed(long teamId, long ideaId)
    {
        if (!_teams.TryGetValue(teamId, out var entry)) return;
        lock (entry.Gate) entry.Index.Remove(ideaId);
    }

    /// <summary>Forgets a team's entry (e.g. after someone's data was erased), so the next look-up reads the store.</summary>
    public void Invalidate(long teamId) => _teams.TryRemove(teamId, out _);

    private async Task<TeamEntry> EntryAsync(long teamId, Func<CancellationToken, Task<IReadOnlyList<IdeaView>>> load, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_teams.TryGetValue(teamId, out var cached)
            && (now - cached.LoadedAt < Lifetime || Interlocked.Exchange(ref cached.Reloading, 1) == 1)) return cached;
        IReadOnlyList<IdeaView> rows;
        try
        {
            rows = await load(ct);
        }
        catch
        {
            if (cached is not null) Volatile.Write(ref cached.Reloading, 0); // the next request tries again
            throw;
        }
        // Oldest first, so that the index lets the oldest go first. Each load builds a fresh index, so words and
        // ideas that aged out do not pile up.
        var index = new IdeaWordIndex(Capacity);
        foreach (var row in rows.OrderBy(r => r.Id)) index.Add(row.Id, row.AuthorId, row.Visibility, row.PublicAuthor, row.Text);
        var fresh = new TeamEntry(index, now);
        _teams[teamId] = fresh;
        return fresh;
    }

    private sealed class TeamEntry(IdeaWordIndex index, DateTimeOffset loadedAt)
    {
        public object Gate { get; } = new();
        public IdeaWordIndex Index { get; } = index;
        public DateTimeOffset LoadedAt { get; } = loadedAt;

        /// <summary>1 while a request reloads this entry from the store.</summary>
        public int Reloading;
    }
}
