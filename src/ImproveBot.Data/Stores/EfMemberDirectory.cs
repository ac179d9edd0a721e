using System.Text.Json;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Privacy;
using ImproveBot.Core.Teams;
using ImproveBot.Data.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ImproveBot.Data.Stores;

internal sealed class EfMemberDirectory(ImproveBotDbContext db, SqliteWriteGate gate) : IMemberDirectory
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

    /// <summary>The user id of a team's "former member": the author of ideas kept after their author was erased.</summary>
    /// <remarks>No platform issues ids with a space, so no real person can ever be this member.</remarks>
    internal const string FormerMemberUserId = "former member";

    public Task EraseMemberAsync(Member member, bool keepVotedIdeas, CancellationToken ct) =>
        // One transaction: a failure part-way (a full disk) leaves the member as they were, never half erased.
        StorageErrors.GuardAsync(() => gate.WriteAsync(() => db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // A member's ideas are all in their team: the team narrows the search to an index (there is none on the author).
            var mine = await db.Ideas.Where(i => i.TeamId == member.TeamId && i.AuthorId == member.Id).Select(i => i.Id).ToListAsync(ct);
            var kept = keepVotedIdeas
                ? await db.Ideas.Where(i => i.TeamId == member.TeamId && i.AuthorId == member.Id && i.Visibility != IdeaVisibility.Private
                                            && db.IdeaVotes.Any(v => v.IdeaId == i.Id && v.MemberId != member.Id))
                    .Select(i => i.Id).ToListAsync(ct)
                : [];
            if (kept.Count > 0)
            {
                var former = await FormerMemberAsync(member, ct);
                // Text, tags, status, votes and outcome stay; the link to the person, their name and the reflection go.
                await db.Ideas.Where(i => kept.Contains(i.Id)).ExecuteUpdateAsync(u => u
                    .SetProperty(i => i.AuthorId, former)
                    .SetProperty(i => i.Visibility, IdeaVisibility.Anonymous)
                    .SetProperty(i => i.ReflectionId, (long?)null)
                    .SetProperty(i => i.FollowUpDueAt, (DateTimeOffset?)null), ct);
            }

            // Every message to the member, sent or not (a sent copy still holds their name and words); the outbox has no
            // foreign key to members, so these go explicitly.
            var dm = DestinationKind.DirectMessage;
            await db.Outbox.Where(o => (o.DestinationKind == dm && o.Platform == member.Platform && o.TenantId == member.TenantId
                                        && o.Address == member.UserId) || o.DeliveryMemberId == member.Id)
                .ExecuteDeleteAsync(ct);
            await ScrubDigestsAsync(member, mine.Except(kept).ToHashSet(), kept.ToHashSet(), ct);

            // Ideas, votes, reflections and deliveries cascade from the member row, in the database.
            await db.Members.Where(m => m.Id == member.Id).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            db.Entry(member).State = EntityState.Detached;
        }), ct));

    /// <summary>The team's placeholder author, created on first use; never prompted (opted out) and never an admin.</summary>
    private async Task<long> FormerMemberAsync(Member erased, CancellationToken ct)
    {
        var existing = await db.Members.Where(m => m.TeamId == erased.TeamId && m.UserId == FormerMemberUserId)
            .Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
        if (existing is { } id) return id;
        var former = new Member(erased.TeamId, erased.Platform, erased.TenantId, FormerMemberUserId, "a former member", "UTC",
            DateTimeOffset.UnixEpoch) { OptedIn = false };
        db.Members.Add(former);
        await db.SaveChangesAsync(ct);
        return former.Id;
    }

    /// <summary>Stored digests of the team (queued and sent copies): the member's ideas out, the kept ones without a name.</summary>
    private async Task ScrubDigestsAsync(Member member, IReadOnlySet<long> deleted, IReadOnlySet<long> anonymised, CancellationToken ct)
    {
        if (deleted.Count == 0 && anonymised.Count == 0) return;
        var channel = DestinationKind.Channel;
        var rows = await db.Outbox.Where(o => o.DestinationKind == channel && o.Platform == member.Platform && o.TenantId == member.TenantId)
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            if (JsonSerializer.Deserialize<MessageContent>(row.ContentJson, EfOutbox.Json) is not DigestMessage digest) continue;
            var scrubbed = JsonSerializer.Serialize<MessageContent>(
                new DigestMessage(DigestErasure.Without(digest.Digest, deleted, anonymised)), EfOutbox.Json);
            if (scrubbed != row.ContentJson) row.ContentJson = scrubbed;
        }
        await db.SaveChangesAsync(ct);
    }

    public async Task<PersonalData> ExportMemberAsync(Member member, CancellationToken ct)
    {
        var team = await db.Teams.AsNoTracking().SingleAsync(t => t.Id == member.TeamId, ct);
        var profile = new PersonalProfile(member.Platform, member.TenantId, member.UserId, member.DisplayName, member.TimeZone,
            member.TimeZoneSetByMember, member.OptedIn, member.PausedUntil, member.IsAdmin, member.CreatedAt, team.Name,
            team.PromptDay, team.PromptTime);
        var ideas = await db.Ideas.AsNoTracking().Where(i => i.TeamId == member.TeamId && i.AuthorId == member.Id).OrderBy(i => i.Id)
            .Select(i => new { Idea = i, Votes = i.Votes.Count }).ToListAsync(ct);
        var votes = await db.IdeaVotes.AsNoTracking().Where(v => v.MemberId == member.Id).OrderBy(v => v.IdeaId)
            .Select(v => new PersonalVote(v.IdeaId, v.CreatedAt)).ToListAsync(ct);
        var reflections = await (from f in db.Reflections.AsNoTracking()
                                 join r in db.Rounds on f.RoundId equals r.Id
                                 where f.MemberId == member.Id
                                 orderby r.PromptDate
                                 select new { r.PromptDate, f.Answers, f.StartedAt, f.SubmittedAt }).ToListAsync(ct);
        var prompts = await (from d in db.Deliveries.AsNoTracking()
                             join r in db.Rounds on d.RoundId equals r.Id
                             where d.MemberId == member.Id
                             orderby r.PromptDate
                             select new { r.PromptDate, Delivery = d }).ToListAsync(ct);
        return new PersonalData(
            profile,
            ideas.Select(x => new PersonalIdea(x.Idea.Id, x.Idea.Text, x.Idea.Tags, x.Idea.Source.ToString(), x.Idea.Visibility.ToString(),
                x.Idea.Status.ToString(), x.Votes, x.Idea.CreatedAt, x.Idea.StatusChangedAt, x.Idea.Outcome?.ToString(), x.Idea.Value,
                x.Idea.OutcomeAt, x.Idea.FollowUpCount, x.Idea.FollowUpDueAt)).ToList(),
            votes,
            reflections.Select(x => new PersonalReflection(x.PromptDate, x.Answers, x.StartedAt, x.SubmittedAt)).ToList(),
            prompts.Select(x => new PersonalPrompt(x.PromptDate, x.Delivery.Status.ToString(), x.Delivery.DueAt, x.Delivery.SentAt,
                x.Delivery.RemindedAt, x.Delivery.StartedAt, x.Delivery.AnsweredAt, x.Delivery.SkippedAt)).ToList());
    }
}
