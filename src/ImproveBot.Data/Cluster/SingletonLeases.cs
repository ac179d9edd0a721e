using ImproveBot.Core.Cluster;
using ImproveBot.Data.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Cluster;

/// <summary>One named lease: who holds it and until when.</summary>
internal sealed class SingletonLeaseRow
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When the current holder took it (not when it last renewed): how long one instance has held it.</summary>
    public DateTimeOffset AcquiredAt { get; set; }
}

/// <summary>
/// <see cref="ISingletonLease"/> on the shared database: a row per lease name, taken by a conditional UPDATE or, the
/// first time, by an INSERT that the primary key makes exclusive.
/// </summary>
/// <remarks>
/// Why it is safe under PostgreSQL's READ COMMITTED: two instances that UPDATE the same expired row queue on its row
/// lock; the second re-evaluates its WHERE (holder is me, or expired) against the first one's committed row, finds
/// it neither, and changes nothing. Two that INSERT the missing row collide on the primary key and the second gets
/// a unique violation, which means "not held". No transaction, no advisory lock, nothing that outlives a dead holder.
/// </remarks>
internal sealed class EfSingletonLease(IServiceScopeFactory scopes, InstanceIdentity instance, TimeProvider time) : ISingletonLease
{
    public async Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ImproveBotDbContext>();
        var gate = scope.ServiceProvider.GetRequiredService<SqliteWriteGate>();
        var me = instance.Id;
        var now = time.GetUtcNow();
        var until = now + duration;

        var updated = await gate.WriteAsync(() => db.SingletonLeases
            .Where(l => l.Name == name && (l.Holder == me || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.AcquiredAt, l => l.Holder == me ? l.AcquiredAt : now)
                .SetProperty(l => l.Holder, me)
                .SetProperty(l => l.ExpiresAt, until), ct), ct);
        if (updated == 1) return true;

        // No row we could take: either it does not exist yet, or someone else holds it. Only an INSERT tells which.
        if (await db.SingletonLeases.AsNoTracking().AnyAsync(l => l.Name == name, ct)) return false;
        db.SingletonLeases.Add(new SingletonLeaseRow { Name = name, Holder = me, ExpiresAt = until, AcquiredAt = now });
        try
        {
            await gate.WriteAsync(() => db.SaveChangesAsync(ct), ct);
            return true;
        }
        catch (DbUpdateException ex) when (EfUnitOfWork.IsUniqueViolation(ex.InnerException))
        {
            return false;
        }
    }

    public async Task ReleaseAsync(string name, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ImproveBotDbContext>();
        var gate = scope.ServiceProvider.GetRequiredService<SqliteWriteGate>();
        var me = instance.Id;
        await gate.WriteAsync(() => db.SingletonLeases.Where(l => l.Name == name && l.Holder == me).ExecuteDeleteAsync(ct), ct);
    }

    /// <summary>Who holds <paramref name="name"/> and until when, or null (for health, diagnostics and tests).</summary>
    public async Task<(string Holder, DateTimeOffset ExpiresAt)?> FindAsync(string name, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ImproveBotDbContext>();
        var row = await db.SingletonLeases.AsNoTracking().FirstOrDefaultAsync(l => l.Name == name, ct);
        return row is null ? null : (row.Holder, row.ExpiresAt);
    }
}
