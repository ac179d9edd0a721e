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
    Task<IReadOnlyList<Member>> ListMembersAsync(long teamId, CancellationToken ct);
    void AddMember(Member member);

    /// <summary>Deletes the member and everything they wrote: ideas, votes, reflections, deliveries, queued messages.</summary>
    Task EraseMemberAsync(Member member, CancellationToken ct);
}
