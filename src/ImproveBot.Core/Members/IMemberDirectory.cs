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

    /// <summary>
    /// Deletes the member and everything they wrote: ideas, votes, reflections, deliveries, every message to them in the
    /// outbox, and their words in stored copies of digests. Staged with the member's removal; some parts are written at
    /// once (see the implementation), so call it inside <see cref="Storage.IUnitOfWork.SaveChangesAsync"/>'s retry, not twice.
    /// </summary>
    /// <param name="keepVotedIdeas">
    /// Keep the member's team ideas that someone else voted on: text, tags, status and votes stay, the author becomes the
    /// team's "former member" placeholder and the idea turns anonymous. False deletes every idea.
    /// </param>
    Task EraseMemberAsync(Member member, bool keepVotedIdeas, CancellationToken ct);

    /// <summary>Everything stored about the member (see <see cref="Privacy.PersonalData"/>), read in one go.</summary>
    Task<Privacy.PersonalData> ExportMemberAsync(Member member, CancellationToken ct);
}
