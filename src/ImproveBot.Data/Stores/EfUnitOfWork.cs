using ImproveBot.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ImproveBot.Data.Stores;

internal sealed class EfUnitOfWork(ImproveBotDbContext db, SqliteWriteGate gate) : IUnitOfWork
{
    public async Task SaveChangesAsync(CancellationToken ct)
    {
        try
        {
            // Nothing to write (a read-only request) needs no turn at the writer's gate.
            if (db.ChangeTracker.HasChanges()) await StorageErrors.GuardAsync(() => gate.WriteAsync(() => db.SaveChangesAsync(ct), ct));
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex.InnerException))
        {
            throw new DuplicateKeyException("A row with the same unique key already exists.", ex);
        }
    }

    public void Reset()
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
            entry.State = EntityState.Detached;
    }

    public void DiscardChanges() => db.ChangeTracker.Clear();

    // SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) and _PRIMARYKEY (1555); PostgreSQL: unique_violation 23505.
    internal static bool IsUniqueViolation(Exception? ex) => ex switch
    {
        SqliteException s => s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
