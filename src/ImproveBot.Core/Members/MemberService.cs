using ImproveBot.Core.Scheduling;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;

namespace ImproveBot.Core.Members;

/// <summary>Who is talking to the bot, as an adapter saw them on an incoming request.</summary>
/// <param name="TimeZone">The platform profile's zone, when it has one (Slack <c>users.info</c>).</param>
/// <param name="IsAdmin">Whether the platform says this person may administer the team (workspace admin, Manage Server).</param>
/// <param name="DigestChannel">A digest channel to start a new team with, when the platform knows a sensible one.</param>
public sealed record MemberIdentity(
    MemberRef Ref,
    string DisplayName,
    string? TeamName = null,
    string? TimeZone = null,
    bool? IsAdmin = null,
    string? DigestChannel = null);

/// <summary>Finds or creates the team and member behind an incoming request.</summary>
public sealed class MemberService(IMemberDirectory directory, IUnitOfWork unitOfWork, TeamDefaults defaults, TimeProvider time)
{
    /// <summary>Returns the member and their team, creating both on first contact, and refreshes what the platform told us.</summary>
    public async Task<(Member Member, Team Team)> EnsureAsync(MemberIdentity identity, CancellationToken ct)
    {
        var team = await EnsureTeamAsync(identity.Ref.Platform, identity.Ref.TenantId, identity.TeamName, identity.DigestChannel, ct);

        var member = await directory.FindMemberAsync(identity.Ref, ct);
        if (member is null)
        {
            var zone = PromptCalendar.FindZone(identity.TimeZone) is not null ? identity.TimeZone! : team.TimeZone;
            member = new Member(team.Id, identity.Ref.Platform, identity.Ref.TenantId, identity.Ref.UserId,
                Clean(identity.DisplayName, identity.Ref.UserId), zone, time.GetUtcNow());
            if (identity.IsAdmin is { } admin) member.IsAdmin = admin;
            directory.AddMember(member);
            await SaveFirstContactAsync(ct);
            member = await directory.FindMemberAsync(identity.Ref, ct)
                ?? throw new InvalidOperationException("Member vanished right after it was created.");
            return (member, team);
        }

        var changed = false;
        var name = Clean(identity.DisplayName, identity.Ref.UserId);
        if (name != member.DisplayName)
        {
            member.DisplayName = name;
            changed = true;
        }
        if (identity.IsAdmin is { } isAdmin && isAdmin != member.IsAdmin)
        {
            member.IsAdmin = isAdmin;
            changed = true;
        }
        if (PromptCalendar.FindZone(identity.TimeZone) is not null && identity.TimeZone != member.TimeZone && !member.TimeZoneSetByMember)
        {
            member.SetTimeZone(identity.TimeZone!, byMember: false);
            changed = true;
        }
        if (changed) await unitOfWork.SaveChangesAsync(ct);
        return (member, team);
    }

    /// <summary>
    /// Who a platform user is known as, one identity per tenant (workspace, server) they are a member of, oldest first,
    /// with the name stored for them; empty for a stranger.
    /// </summary>
    public async Task<IReadOnlyList<MemberIdentity>> FindIdentitiesAsync(string platform, string userId, CancellationToken ct) =>
        (await directory.FindMembersByUserAsync(platform, userId, ct)).Select(m => new MemberIdentity(m.Ref, m.DisplayName)).ToList();

    /// <summary>Returns the team of a workspace or server, creating it with the configured defaults on first contact.</summary>
    public async Task<Team> EnsureTeamAsync(string platform, string tenantId, string? name, string? digestChannel, CancellationToken ct)
    {
        var team = await directory.FindTeamAsync(platform, tenantId, ct);
        if (team is not null) return team;
        directory.AddTeam(new Team(platform, tenantId, name ?? tenantId, defaults with { DigestChannel = digestChannel ?? defaults.DigestChannel }));
        await SaveFirstContactAsync(ct);
        return await directory.FindTeamAsync(platform, tenantId, ct)
            ?? throw new InvalidOperationException("Team vanished right after it was created.");
    }

    // Two first requests from the same person can race; the loser re-reads what the winner stored.
    private async Task SaveFirstContactAsync(CancellationToken ct)
    {
        try
        {
            await unitOfWork.SaveChangesAsync(ct);
        }
        catch (DuplicateKeyException)
        {
            unitOfWork.Reset();
        }
    }

    private static string Clean(string? name, string fallback)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return fallback;
        return trimmed.Length <= 80 ? trimmed : trimmed[..80];
    }
}
