using System.Text.Json;
using ImproveBot.Core.Messaging;
using Microsoft.EntityFrameworkCore;

namespace ImproveBot.Data.Outbox;

/// <summary>The outbox on EF Core.</summary>
/// <remarks>
/// Claiming is a conditional UPDATE tagged with a fresh token, then a read of that token: two
/// dispatchers racing for a row cannot both win it, on SQLite or PostgreSQL.
/// </remarks>
internal sealed class EfOutbox(ImproveBotDbContext db, Stores.SqliteWriteGate gate) : IOutbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        var candidates = await db.Outbox.AsNoTracking()
            .Where(o => (o.State == OutboxState.Pending && o.NextAttemptAt <= now)
                        || (o.State == OutboxState.InFlight && o.LeaseUntil <= now))
            .OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id)
            .Select(o => o.Id)
            .Take(max)
            .ToListAsync(ct);
        if (candidates.Count == 0) return [];

        var token = Guid.NewGuid();
        await gate.WriteAsync(() => db.Outbox
            .Where(o => candidates.Contains(o.Id)
                        && ((o.State == OutboxState.Pending && o.NextAttemptAt <= now)
                            || (o.State == OutboxState.InFlight && o.LeaseUntil <= now)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.State, OutboxState.InFlight)
                .SetProperty(o => o.LeaseUntil, leaseUntil)
                .SetProperty(o => o.ClaimToken, token)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1), ct), ct);

        var rows = await db.Outbox.AsNoTracking().Where(o => o.ClaimToken == token).OrderBy(o => o.Id).ToListAsync(ct);
        var entries = new List<OutboxEntry>(rows.Count);
        foreach (var row in rows)
        {
            if (TryToEntry(row) is { } entry) entries.Add(entry);
            // A row this version cannot read would otherwise be claimed and dropped forever; park it visibly instead.
            else await MarkFailedAsync(row.Id, "The stored message content could not be read.", ct);
        }
        return entries;
    }

    public Task MarkSentAsync(long entryId, DateTimeOffset now, CancellationToken ct) => gate.WriteAsync(() =>
        db.Outbox.Where(o => o.Id == entryId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Sent)
            .SetProperty(o => o.SentAt, now)
            .SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(o => o.LastError, (string?)null), ct), ct);

    public Task MarkRetryAsync(long entryId, DateTimeOffset nextAttemptAt, string error, CancellationToken ct) => gate.WriteAsync(() =>
        db.Outbox.Where(o => o.Id == entryId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Pending)
            .SetProperty(o => o.NextAttemptAt, nextAttemptAt)
            .SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(o => o.LastError, Truncate(error)), ct), ct);

    public Task MarkFailedAsync(long entryId, string error, CancellationToken ct) => gate.WriteAsync(() =>
        db.Outbox.Where(o => o.Id == entryId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Failed)
            .SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(o => o.LastError, Truncate(error)), ct), ct);

    public async Task<IReadOnlyDictionary<OutboxState, int>> CountByStateAsync(CancellationToken ct) =>
        await db.Outbox.GroupBy(o => o.State).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

    private static OutboxEntry? TryToEntry(OutboxRow row)
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
        return new OutboxEntry(row.Id, new OutboundMessage(row.Key, destination, content), row.Attempts, delivery);
    }

    private static string Truncate(string error) => error.Length <= 500 ? error : error[..500];
}
