using ImproveBot.Core.Reflections;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace ImproveBot.Data.Stores;

internal sealed class EfRoundStore(ImproveBotDbContext db) : IRoundStore
{
    public Task<ReflectionRound?> FindRoundAsync(long teamId, LocalDate promptDate, CancellationToken ct) =>
        db.Rounds.FirstOrDefaultAsync(r => r.TeamId == teamId && r.PromptDate == promptDate, ct);

    public async Task<ReflectionRound?> GetRoundAsync(long roundId, CancellationToken ct) => await db.Rounds.FindAsync([roundId], ct);

    public Task<ReflectionRound?> LatestRoundAsync(long teamId, CancellationToken ct) =>
        db.Rounds.Where(r => r.TeamId == teamId).OrderByDescending(r => r.PromptDate).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<ReflectionRound>> ListDigestDueAsync(DateTimeOffset now, CancellationToken ct) =>
        await db.Rounds.Where(r => r.DigestPostedAt == null && r.ClosesAt <= now).OrderBy(r => r.ClosesAt).ToListAsync(ct);

    public void AddRound(ReflectionRound round) => db.Rounds.Add(round);

    public Task<PromptDelivery?> FindDeliveryAsync(long roundId, long memberId, CancellationToken ct) =>
        db.Deliveries.FirstOrDefaultAsync(d => d.RoundId == roundId && d.MemberId == memberId, ct);

    public async Task<IReadOnlyList<PromptDelivery>> ListDeliveriesAsync(long roundId, CancellationToken ct) =>
        await db.Deliveries.Where(d => d.RoundId == roundId).OrderBy(d => d.Id).ToListAsync(ct);

    public async Task<IReadOnlySet<long>> DeliveredMemberIdsAsync(long roundId, CancellationToken ct) =>
        (await db.Deliveries.Where(d => d.RoundId == roundId).Select(d => d.MemberId).ToListAsync(ct)).ToHashSet();

    public async Task<IReadOnlyList<PromptDelivery>> ListAwaitingAnswerAsync(DateTimeOffset now, CancellationToken ct) =>
        await (from d in db.Deliveries
               join r in db.Rounds on d.RoundId equals r.Id
               where d.Status == DeliveryStatus.Sent && r.ClosesAt > now
               orderby d.Id
               select d).ToListAsync(ct);

    public async Task<IReadOnlyList<PromptDelivery>> ListStartedUnansweredAsync(DateTimeOffset startedBy, DateTimeOffset now, CancellationToken ct) =>
        await (from d in db.Deliveries
               join r in db.Rounds on d.RoundId equals r.Id
               where d.StartedAt != null && d.StartedAt <= startedBy && d.NudgedAt == null
                     && (d.Status == DeliveryStatus.Sent || d.Status == DeliveryStatus.Reminded) && r.ClosesAt > now
               orderby d.Id
               select d).ToListAsync(ct);

    public Task<PromptDelivery?> FindOpenDeliveryForMemberAsync(long memberId, DateTimeOffset now, CancellationToken ct) =>
        (from d in db.Deliveries
         join r in db.Rounds on d.RoundId equals r.Id
         where d.MemberId == memberId && r.ClosesAt > now
         orderby r.PromptDate descending
         select d).FirstOrDefaultAsync(ct);

    public void AddDelivery(PromptDelivery delivery) => db.Deliveries.Add(delivery);

    public Task<Reflection?> FindReflectionAsync(long roundId, long memberId, CancellationToken ct) =>
        db.Reflections.FirstOrDefaultAsync(r => r.RoundId == roundId && r.MemberId == memberId, ct);

    public async Task<IReadOnlyList<Reflection>> ListReflectionsAsync(long roundId, CancellationToken ct) =>
        await db.Reflections.AsNoTracking().Where(r => r.RoundId == roundId).ToListAsync(ct);

    public async Task<IReadOnlyList<Reflection>> ListReflectionsByMemberAsync(long memberId, DateTimeOffset since, CancellationToken ct) =>
        await db.Reflections.AsNoTracking().Where(r => r.MemberId == memberId && r.SubmittedAt >= since).ToListAsync(ct);

    public void AddReflection(Reflection reflection) => db.Reflections.Add(reflection);

    public async Task<IReadOnlyList<ReflectionRecord>> ListReflectionHistoryAsync(long teamId, long? memberId, DateTimeOffset since, CancellationToken ct)
    {
        var rows = await (from f in db.Reflections.AsNoTracking()
                          join r in db.Rounds on f.RoundId equals r.Id
                          where r.TeamId == teamId && f.SubmittedAt >= since && (memberId == null || f.MemberId == memberId)
                          select new { f.MemberId, r.PromptDate, f.StartedAt, f.SubmittedAt }).ToListAsync(ct);
        return rows.Select(x => new ReflectionRecord(x.MemberId, x.PromptDate, x.StartedAt is { } s ? x.SubmittedAt - s : null, x.SubmittedAt)).ToList();
    }

    public async Task<IReadOnlyList<ReflectionRound>> ListRoundsAsync(long teamId, LocalDate since, CancellationToken ct) =>
        await db.Rounds.AsNoTracking().Where(r => r.TeamId == teamId && r.PromptDate >= since).OrderByDescending(r => r.PromptDate).ToListAsync(ct);
}
