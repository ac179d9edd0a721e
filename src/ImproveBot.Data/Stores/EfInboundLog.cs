using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using ImproveBot.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ImproveBot.Data.Stores;

/// <summary>A row per handled delivery; the unique key turns a concurrent duplicate into a refused insert.</summary>
internal sealed class ProcessedEvent
{
    public long Id { get; set; }
    public required string Source { get; set; }
    public required string DeliveryId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>Deliveries being handled in this process right now: a duplicate that arrives meanwhile is refused at once.</summary>
internal sealed class InboundClaims
{
    private readonly ConcurrentDictionary<(string Source, string DeliveryId), byte> _claims = new();

    public bool TryClaim(string source, string deliveryId) => _claims.TryAdd((source, deliveryId), 0);

    public void Release(string source, string deliveryId) => _claims.TryRemove((source, deliveryId), out _);
}

/// <summary>
/// Stages the delivery's row on the scope's context, so the handler's own commit carries it: any SaveChanges on the
/// context saves it with everything else, and <see cref="EfIdeaStore.AddAndCommitAsync"/> hands it to the idea group
/// commit. The in-process claim covers the time until then; the unique key covers other instances.
/// </summary>
/// <remarks>
/// The row joins the change tracker only when the context saves (its <see cref="DbContext.SavingChanges"/> event): an
/// <c>/idea</c>, most of the traffic, is committed by the group commit and never needs the tracker at all.
/// </remarks>
internal sealed class EfInboundLog(
    ImproveBotDbContext db, SqliteWriteGate gate, TimeProvider time, InboundClaims claims, SqliteDeliveryLookup sqliteLookup)
    : IInboundLog, IDisposable
{
    // Plain SQL, built once per model (SQLite and PostgreSQL quote differently): the check runs for every interaction
    // and event, and EF's query pipeline cost more than the lookup itself.
    private static readonly ConditionalWeakTable<IModel, string> Sql = [];

    private static string IsRecordedSql(ImproveBotDbContext db) => Sql.GetValue(db.Model, model =>
    {
        var entity = model.FindEntityType(typeof(ProcessedEvent))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        return $"SELECT 1 FROM {sql.DelimitIdentifier(table.Name, table.Schema)} " +
               $"WHERE {Column(nameof(ProcessedEvent.Source))} = @source AND {Column(nameof(ProcessedEvent.DeliveryId))} = @delivery LIMIT 1";
    });

    private async Task<bool> IsRecordedAsync(string source, string deliveryId, CancellationToken ct)
    {
        // Inside a transaction only the transaction's own connection sees its rows.
        if (sqliteLookup.Serves && db.Database.CurrentTransaction is null) return sqliteLookup.IsRecorded(IsRecordedSql(db), source, deliveryId);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = IsRecordedSql(db);
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            AddParameter(command, "@source", source);
            AddParameter(command, "@delivery", deliveryId);
            return await command.ExecuteScalarAsync(ct) is not null and not DBNull;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private readonly List<ProcessedEvent> _claimed = [];
    private bool _listening; // to the context's SavingChanges
    private bool _staged;    // some claimed row went onto the context

    public async Task<bool> TryRecordAsync(string source, string deliveryId, CancellationToken ct)
    {
        if (!claims.TryClaim(source, deliveryId)) return false;
        try
        {
            if (await IsRecordedAsync(source, deliveryId, ct))
            {
                claims.Release(source, deliveryId);
                return false;
            }
        }
        catch
        {
            claims.Release(source, deliveryId);
            throw;
        }
        var row = new ProcessedEvent { Source = source, DeliveryId = deliveryId, ReceivedAt = time.GetUtcNow() };
        if (!_listening) db.SavingChanges += StageClaimed;
        _listening = true;
        _claimed.Add(row);
        return true;
    }

    public async Task CompleteAsync(CancellationToken ct)
    {
        var unsaved = _claimed.Where(row => row.Id == 0).ToList();
        if (unsaved.Count == 0) return;
        foreach (var row in unsaved)
        {
            // A handler that reset its context after a refused insert also dropped the staged row.
            if (db.Entry(row).State == EntityState.Detached) db.ProcessedEvents.Add(row);
        }
        try
        {
            await gate.WriteAsync(() => db.SaveChangesAsync(ct), ct);
        }
        catch (DbUpdateException ex) when (EfUnitOfWork.IsUniqueViolation(ex.InnerException))
        {
            // Another instance handled the same delivery at the same moment; it is recorded either way.
            foreach (var row in unsaved) db.Entry(row).State = EntityState.Detached;
        }
    }

    public async Task ForgetAsync(string source, string deliveryId, CancellationToken ct)
    {
        var row = _claimed.Find(r => r.Source == source && r.DeliveryId == deliveryId);
        if (row is null) return;
        _claimed.Remove(row);
        claims.Release(source, deliveryId);
        if (row.Id == 0)
        {
            // Never committed, so there is nothing to delete (and a row with this key may be another instance's).
            db.Entry(row).State = EntityState.Detached;
            return;
        }
        await gate.WriteAsync(() => db.ProcessedEvents.Where(e => e.Id == row.Id).ExecuteDeleteAsync(ct), ct);
    }

    public Task<int> PruneAsync(DateTimeOffset receivedBefore, int max, CancellationToken ct) =>
        // In bounded chunks, so the delete never holds SQLite's single writer for long.
        gate.WriteAsync(() => db.ProcessedEvents.Where(e => e.ReceivedAt < receivedBefore).OrderBy(e => e.Id).Take(max).ExecuteDeleteAsync(ct), ct);

    /// <summary>Puts the claimed rows not committed yet on the context, so the save under way carries them.</summary>
    private void StageClaimed(object? sender, SavingChangesEventArgs e)
    {
        foreach (var row in _claimed)
        {
            if (row.Id != 0 || db.Entry(row).State != EntityState.Detached) continue;
            db.ProcessedEvents.Add(row);
            _staged = true;
        }
    }

    /// <summary>Claimed deliveries not committed yet, for a store that commits on its own (the idea group commit).</summary>
    internal IReadOnlyList<ProcessedEvent> Unsaved() => _claimed.Count == 0 ? [] : _claimed.Where(r => r.Id == 0).ToList();

    /// <summary>Deliveries another commit stored (their ids are set): the context must not insert them again.</summary>
    internal void MarkSaved(IReadOnlyList<ProcessedEvent> rows)
    {
        if (!_staged) return; // never on the context (the usual case)
        foreach (var row in rows)
        {
            // Staged by an earlier save that failed: the context must not insert it again.
            if (db.Entry(row).State != EntityState.Detached) db.Entry(row).State = EntityState.Unchanged;
        }
    }

    /// <summary>Committed or not, the scope is over: a later duplicate is decided by the database.</summary>
    public void Dispose()
    {
        if (_listening) db.SavingChanges -= StageClaimed; // the context goes back to the pool
        _listening = false;
        foreach (var row in _claimed) claims.Release(row.Source, row.DeliveryId);
        _claimed.Clear();
    }
}
