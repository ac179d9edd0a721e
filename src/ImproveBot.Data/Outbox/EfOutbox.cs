using System.Text.Json;
using ImproveBot.Core.Messaging;
using Microsoft.EntityFrameworkCore;

namespace ImproveBot.Data.Outbox;

/// <summary>The outbox on EF Core.</summary>
/// <remarks>
/// <para>
/// A claim tags the chosen rows with a fresh token (and this instance's id) and then reads back what carries the
/// token, so two dispatchers never both win a row. How rows are chosen depends on the database:
/// </para>
/// <para>
/// On PostgreSQL, several instances claim at once, so the UPDATE picks its rows with <c>FOR UPDATE SKIP LOCKED</c>:
/// each claimer locks the oldest due rows nobody else is locking and passes over the rest, so concurrent claimers
/// get disjoint batches without waiting for each other. A plain conditional UPDATE (<c>WHERE id IN (oldest due)
/// AND still due</c>) would also never double-claim under READ COMMITTED, because PostgreSQL re-checks the WHERE of
/// a row it waited for against the winner's committed version. But every claimer computes the same "oldest N", so
/// they queue on the same row locks, the losers come back empty while work remains (and end their pass early), and
/// two multi-row UPDATEs that lock overlapping rows in different orders can deadlock. SKIP LOCKED has none of that.
/// </para>
/// <para>
/// On SQLite there is one process and one writer at a time (<see cref="Stores.SqliteWriteGate"/>), so the
/// conditional UPDATE alone is exact.
/// </para>
/// </remarks>
internal sealed class EfOutbox(ImproveBotDbContext db, Stores.SqliteWriteGate gate, DatabaseConnection database, Core.Cluster.InstanceIdentity instance) : IOutbox
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<bool> EnqueueAsync(OutboundMessage message, PromptDeliveryRef? delivery, DateTimeOffset now, CancellationToken ct)
    {
        var key = message.IdempotencyKey;
        if (db.Outbox.Local.Any(o => o.Key == key) || await db.Outbox.AnyAsync(o => o.Key == key, ct)) return false;
        db.Outbox.Add(new OutboxRow
        {
            Key = key,
            Platform = message.Destination.Platform,
            TenantId = message.Destination.TenantId,
            DestinationKind = message.Destination.Kind,
            Address = message.Destination.Address,
            ContentJson = JsonSerializer.Serialize(message.Content, Json),
            State = OutboxState.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
            DeliveryRoundId = delivery?.RoundId,
            DeliveryMemberId = delivery?.MemberId,
        });
        return true;
    }

    public async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken ct)
    {
        var token = Guid.NewGuid();
        var claimed = database.Provider == DatabaseProvider.Postgres
            ? await ClaimSkippingLockedAsync(now, leaseUntil, max, token, ct)
            : await ClaimConditionallyAsync(now, leaseUntil, max, token, ct);
        if (claimed == 0) return [];

        var rows = await db.Outbox.AsNoTracking().Where(o => o.ClaimToken == token).OrderBy(o => o.Id).ToListAsync(ct);
        var entries = new List<OutboxEntry>(rows.Count);
        foreach (var row in rows)
        {
            if (TryToEntry(row, token, leaseUntil) is { } entry) entries.Add(entry);
            // A row this version cannot read would otherwise be claimed and dropped forever; park it visibly instead.
            else await MarkFailedAsync(new OutboxClaim(row.Id, token), "The stored message content could not be read.", ct);
        }
        return entries;
    }

    private Task<int> ClaimSkippingLockedAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, Guid token, CancellationToken ct)
    {
        // Column names are EF's (quoted PascalCase); OutboxState: Pending = 0, InFlight = 1.
        var holder = instance.Id;
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE outbox SET "State" = 1, "LeaseUntil" = {leaseUntil}, "ClaimToken" = {token}, "ClaimedBy" = {holder},
                              "Attempts" = "Attempts" + 1
            WHERE "Id" IN (
                SELECT "Id" FROM outbox
                WHERE ("State" = 0 AND "NextAttemptAt" <= {now}) OR ("State" = 1 AND "LeaseUntil" <= {now})
                ORDER BY "NextAttemptAt", "Id"
                LIMIT {max}
                FOR UPDATE SKIP LOCKED)
            """, ct);
    }

    private async Task<int> ClaimConditionallyAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, Guid token, CancellationToken ct)
    {
        var candidates = await db.Outbox.AsNoTracking()
            .Where(o => (o.State == OutboxState.Pending && o.NextAttemptAt <= now)
                        || (o.State == OutboxState.InFlight && o.LeaseUntil <= now))
            .OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id)
            .Select(o => o.Id)
            .Take(max)
            .ToListAsync(ct);
        if (candidates.Count == 0) return 0;

        var holder = instance.Id;
        return await gate.WriteAsync(() => db.Outbox
            .Where(o => candidates.Contains(o.Id)
                        && ((o.State == OutboxState.Pending && o.NextAttemptAt <= now)
                            || (o.State == OutboxState.InFlight && o.LeaseUntil <= now)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.State, OutboxState.InFlight)
                .SetProperty(o => o.LeaseUntil, leaseUntil)
                .SetProperty(o => o.ClaimToken, token)
                .SetProperty(o => o.ClaimedBy, holder)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1), ct), ct);
    }

    public async Task<bool> MarkSentAsync(OutboxClaim claim, DateTimeOffset now, CancellationToken ct) => 1 == await gate.WriteAsync(() =>
        Claimed(claim).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Sent)
            .SetProperty(o => o.SentAt, now)
            .SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(o => o.LastError, (string?)null), ct), ct);

    public async Task<bool> MarkRetryAsync(OutboxClaim claim, DateTimeOffset nextAttemptAt, string error, CancellationToken ct) => 1 == await gate.WriteAsync(() =>
        Claimed(claim).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Pending)
            .SetProperty(o => o.NextAttemptAt, nextAttemptAt)
            .SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(o => o.LastError, Truncate(error)), ct), ct);

    public async Task<bool> MarkFailedAsync(OutboxClaim claim, string error, CancellationToken ct) => 1 == await gate.WriteAsync(() =>
        Claimed(claim).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Failed)
            .SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(o => o.LastError, Truncate(error)), ct), ct);

    public async Task<bool> ReleaseAsync(OutboxClaim claim, CancellationToken ct) => 1 == await gate.WriteAsync(() =>
        Claimed(claim).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Pending)
            .SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(o => o.Attempts, o => o.Attempts > 0 ? o.Attempts - 1 : 0), ct), ct);

    // Still in flight under this very claim: a later claim (after the lease ran out) has another token.
    private IQueryable<OutboxRow> Claimed(OutboxClaim claim) =>
        db.Outbox.Where(o => o.Id == claim.Id && o.ClaimToken == claim.Token && o.State == OutboxState.InFlight);

    public async Task<IReadOnlyDictionary<OutboxState, int>> CountByStateAsync(CancellationToken ct) =>
        await db.Outbox.GroupBy(o => o.State).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

    private static OutboxEntry? TryToEntry(OutboxRow row, Guid token, DateTimeOffset leaseUntil)
    {
        MessageContent? content;
        try
        {
            content = JsonSerializer.Deserialize<MessageContent>(row.ContentJson, Json);
        }
        catch (JsonException)
        {
            return null;
        }
        if (content is null) return null;
        var destination = new Destination(row.DestinationKind, row.Platform, row.TenantId, row.Address);
        PromptDeliveryRef? delivery = row is { DeliveryRoundId: { } r, DeliveryMemberId: { } m } ? new PromptDeliveryRef(r, m) : null;
        return new OutboxEntry(new OutboxClaim(row.Id, token), new OutboundMessage(row.Key, destination, content), row.Attempts, delivery, leaseUntil);
    }

    private static string Truncate(string error) => error.Length <= 500 ? error : error[..500];
}
