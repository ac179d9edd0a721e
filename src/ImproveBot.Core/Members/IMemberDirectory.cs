using ImproveBot.Core.Teams;

namespace ImproveBot.Core.Members;

/// <summary>Storage port for teams and members.</summary>
public interface IMemberDirectory
{
    Task<Team?> FindTeamAsync(string platform, string tenantId, CancellationToken ct);
    Task<Team?> GetTeamAsync(long teamId, CancellationToken ct);
    Task<IReadOnlyList<Team>> ListTeamsAsync(CancellationToken ct);
    void AddTeam(Team team);

    Task<Member?> FindMemberAsync(MemberRef member, CancellationToken ct);
    Task<Member?> GetMemberAsync(long memberId, CancellationToken ct);

    /// <summary>
    /// Every membership of one platform user, oldest first. For platforms whose requests sometimes carry no
    /// tenant (a Discord DM has a user but no server), so the adapter can find the team the person belongs to.
    /// </summary>
    Task<IReadOnlyList<Member>> FindMembersByUserAsync(string platform, string userId, CancellationToken ct);
    Task<IReadOnlyList<Member>> ListMembersAsync(long teamId, CancellationToken ct);
    void AddMember(Member member);

    /// <summary>Deletes the member and everything they wrote: ideas, votes, reflections, deliveries, queued messages.</summary>
    Task EraseMemberAsync(Member member, CancellationToken ct);
}
