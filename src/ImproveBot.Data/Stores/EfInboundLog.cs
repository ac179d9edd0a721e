using ImproveBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ImproveBot.Data.Stores;

/// <summary>A row per handled delivery; the unique key turns a concurrent duplicate into a refused insert.</summary>
internal sealed class ProcessedEvent
{
    public long Id { get; set; }
    public required string Source { get; set; }
    public required string DeliveryId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

internal sealed class EfInboundLog(ImproveBotDbContext db, SqliteWriteGate gate, TimeProvider time) : IInboundLog
{
    public async Task<bool> TryRecordAsync(string source, string deliveryId, CancellationToken ct)
    {
        // Called before a handler stages anything, so this commit holds the log row alone.
        if (await db.ProcessedEvents.AnyAsync(e => e.Source == source && e.DeliveryId == deliveryId, ct)) return false;
        var row = new ProcessedEvent { Source = source, DeliveryId = deliveryId, ReceivedAt = time.GetUtcNow() };
        db.ProcessedEvents.Add(row);
        try
        {
            await gate.WriteAsync(() => db.SaveChangesAsync(ct), ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(row).State = EntityState.Detached;
            if (await db.ProcessedEvents.AnyAsync(e => e.Source == source && e.DeliveryId == deliveryId, ct)) return false;
            throw;
        }
    }

    public Task ForgetAsync(string source, string deliveryId, CancellationToken ct) =>
        gate.WriteAsync(() => db.ProcessedEvents.Where(e => e.Source == source && e.DeliveryId == deliveryId).ExecuteDeleteAsync(ct), ct);
}
