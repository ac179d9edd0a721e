using ImproveBot.Core.Members;
using ImproveBot.Core.Teams;
using Microsoft.EntityFrameworkCore;

namespace ImproveBot.Data.Stores;

internal sealed class EfMemberDirectory(ImproveBotDbContext db) : IMemberDirectory
{
    public Task<Team?> FindTeamAsync(string platform, string tenantId, CancellationToken ct) =>
        db.Teams.FirstOrDefaultAsync(t => t.Platform == platform && t.TenantId == tenantId, ct);

    public async Task<Team?> GetTeamAsync(long teamId, CancellationToken ct) => await db.Teams.FindAsync([teamId], ct);

    public async Task<IReadOnlyList<Team>> ListTeamsAsync(CancellationToken ct) => await db.Teams.OrderBy(t => t.Id).ToListAsync(ct);

    public void AddTeam(Team team) => db.Teams.Add(team);

    public Task<Member?> FindMemberAsync(MemberRef member, CancellationToken ct) =>
        db.Members.FirstOrDefaultAsync(m => m.Platform == member.Platform && m.TenantId == member.TenantId && m.UserId == member.UserId, ct);

    public async Task<Member?> GetMemberAsync(long memberId, CancellationToken ct) => await db.Members.FindAsync([memberId], ct);

    public async Task<IReadOnlyList<Member>> FindMembersByUserAsync(string platform, string userId, CancellationToken ct) =>
        await db.Members.Where(m => m.Platform == platform && m.UserId == userId).OrderBy(m => m.Id).ToListAsync(ct);

    public async Task<IReadOnlyList<Member>> ListMembersAsync(long teamId, CancellationToken ct) =>
        await db.Members.Where(m => m.TeamId == teamId).OrderBy(m => m.Id).ToListAsync(ct);

    public void AddMember(Member member) => db.Members.Add(member);

    public async Task EraseMemberAsync(Member member, CancellationToken ct)
    {
        // Queued messages to the member are not tied by a foreign key (the outbox outlives its rows), so they go explicitly.
        var dm = Core.Messaging.DestinationKind.DirectMessage;
        await db.Outbox.Where(o => o.Platform == member.Platform && o.TenantId == member.TenantId && o.Address == member.UserId
                                   && o.DestinationKind == dm && o.State != Core.Messaging.OutboxState.Sent)
            .ExecuteDeleteAsync(ct);
        // Ideas, votes, reflections and deliveries cascade from the member row.
        db.Members.Remove(member);
    }
}
