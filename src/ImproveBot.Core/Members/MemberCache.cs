using System.Collections.Concurrent;
using ImproveBot.Core.Teams;

namespace ImproveBot.Core.Members;

/// <summary>
/// Who a frequent sender is, kept for a minute, so that a burst of <c>/idea</c> commands does not look up the same
/// member and team in the database on every one. Only commands that change neither (logging and listing ideas) use
/// it; every other command reads the store, and forgets the cached entry, because it may change what is cached.
/// </summary>
/// <remarks>
/// The cached objects are shared between requests and must not be changed. Changes made by another instance reach
/// this one within <see cref="Lifetime"/> (a team's new default visibility, say); changes made here are seen at once.
/// </remarks>
internal sealed class MemberCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>Beyond this many members the cache starts over rather than grow without bound.</summary>
    internal const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<MemberRef, Entry> _entries = new();

    private sealed record Entry(MemberIdentity Identity, Member Member, Team Team, DateTimeOffset CachedAt);

    /// <summary>The member and team last seen for exactly this identity (same name, zone and admin flag), if still fresh.</summary>
    public bool TryGet(MemberIdentity identity, out Member member, out Team team)
    {
        if (_entries.TryGetValue(identity.Ref, out var entry) && entry.Identity == identity && time.GetUtcNow() - entry.CachedAt < Lifetime)
        {
            (member, team) = (entry.Member, entry.Team);
            return true;
        }
        (member, team) = (null!, null!);
        return false;
    }

    public void Set(MemberIdentity identity, Member member, Team team)
    {
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[identity.Ref] = new Entry(identity, member, team, time.GetUtcNow());
    }

    public void Forget(MemberRef member) => _entries.TryRemove(member, out _);

    /// <summary>Forgets every member of a team, after the team's settings changed.</summary>
    public void ForgetTeam(long teamId)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Team.Id == teamId) _entries.TryRemove(key, out _);
        }
    }
}
