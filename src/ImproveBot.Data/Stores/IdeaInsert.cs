using System.Data.Common;
using ImproveBot.Core.Ideas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ImproveBot.Data.Stores;

/// <summary>
/// Inserts new ideas, and the delivery records that came with them, with one <c>INSERT … RETURNING</c> per row, all in
/// one transaction: the hot path of <see cref="IdeaGroupCommit"/>, where EF's change tracking and batching cost more than
/// the write itself.
/// </summary>
/// <remarks>
/// On SQLite the connection and the two commands stay open from one batch to the next, so each statement is compiled
/// once: taking a pooled connection, creating the commands and compiling their SQL again for every batch cost more CPU
/// than a batch's own rows (bench/WriterBench, batch of 1: 169–180 µs against 105–129 µs). After any failure they are
/// closed, so the next batch starts on a fresh connection (and a connection interceptor sees it opened again).
/// On PostgreSQL each batch takes a pooled connection, as before: a session kept open would miss what an operator
/// changes for new sessions (a database set read-only during a failover) and what clearing the pool is meant to reset.
/// One writer at a time uses an instance (<see cref="IdeaGroupCommit"/>'s writer).
/// </remarks>
internal sealed class IdeaInsert(ImproveBotDbContext db) : IAsyncDisposable
{
    private readonly RowInsert _ideas = new(db, typeof(Idea));
    private readonly RowInsert _deliveries = new(db, typeof(ProcessedEvent));
    private readonly bool _keepOpen = db.Database.IsSqlite();
    private DbCommand? _ideaCommand;
    private DbCommand? _deliveryCommand;

    /// <summary>The writer's own context: its connection is the one kept open.</summary>
    public ImproveBotDbContext Db => db;

    /// <summary>Inserts every row of <paramref name="batch"/> in one transaction and sets their new ids.</summary>
    public async Task ExecuteAsync(IReadOnlyList<(Idea Idea, IReadOnlyList<ProcessedEvent> Deliveries)> batch, CancellationToken ct)
    {
        try
        {
            await WriteAsync(batch, ct);
            if (!_keepOpen) await CloseAsync();
        }
        catch (DbException ex)
        {
            await CloseAsync();
            // The same failure type as SaveChanges, so callers handle one kind of storage error.
            throw new DbUpdateException("Storing new ideas failed.", ex);
        }
        catch
        {
            await CloseAsync();
            throw;
        }
    }

    private async Task WriteAsync(IReadOnlyList<(Idea Idea, IReadOnlyList<ProcessedEvent> Deliveries)> batch, CancellationToken ct)
    {
        if (_ideaCommand is null || _deliveryCommand is null)
        {
            await db.Database.OpenConnectionAsync(ct);
            _ideaCommand = _ideas.CreateCommand(db.Database.GetDbConnection());
            _deliveryCommand = _deliveries.CreateCommand(db.Database.GetDbConnection());
        }
        await using var transaction = await db.Database.GetDbConnection().BeginTransactionAsync(ct);
        _ideaCommand.Transaction = transaction;
        _deliveryCommand.Transaction = transaction;
        // Ids are set only after the commit, so a rolled-back batch leaves every row looking unsaved.
        var ideaIds = new long[batch.Count];
        var deliveryIds = new List<long>();
        for (var i = 0; i < batch.Count; i++)
        {
            ideaIds[i] = await _ideas.ExecuteAsync(_ideaCommand, batch[i].Idea, ct);
            foreach (var delivery in batch[i].Deliveries) deliveryIds.Add(await _deliveries.ExecuteAsync(_deliveryCommand, delivery, ct));
        }
        await transaction.CommitAsync(ct);
        var d = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            _ideas.SetId(batch[i].Idea, ideaIds[i]);
            foreach (var delivery in batch[i].Deliveries) delivery.Id = deliveryIds[d++];
        }
    }

    private async Task CloseAsync()
    {
        if (_ideaCommand is not null) await _ideaCommand.DisposeAsync();
        if (_deliveryCommand is not null) await _deliveryCommand.DisposeAsync();
        _ideaCommand = _deliveryCommand = null;
        await db.Database.CloseConnectionAsync();
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    /// <summary>
    /// One entity type's <c>INSERT … RETURNING key</c>. Table, columns and value conversions come from the EF model, so
    /// the SQL stays in step with the mapping and the migrations.
    /// </summary>
    private sealed class RowInsert
    {
        private readonly string _sql;
        private readonly (IProperty Property, RelationalTypeMapping Mapping)[] _columns;
        private readonly RecentListConversions?[] _listConversions;
        private readonly string[] _parameterNames;
        private readonly IProperty _key;

        public RowInsert(ImproveBotDbContext db, Type clrType)
        {
            var entity = db.Model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            _key = entity.FindPrimaryKey()!.Properties.Single();
            _columns = entity.GetProperties()
                .Where(p => p != _key)
                .Select(p => (p, (RelationalTypeMapping)p.GetRelationalTypeMapping()))
                .ToArray();
            var names = string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)));
            _listConversions = _columns
                .Select(c => c.Mapping.Converter is { } converter && c.Property.ClrType.IsAssignableTo(typeof(IReadOnlyList<string>))
                    ? new RecentListConversions(converter) : null)
                .ToArray();
            _parameterNames = _columns.Select((_, i) => "@p" + i).ToArray();
            var values = string.Join(", ", _parameterNames);
            _sql = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values}) " +
                   $"RETURNING {sql.DelimitIdentifier(_key.GetColumnName(table)!)}";
        }

        /// <summary>The command with its parameters, created and typed once by the mapping, as EF would.</summary>
        public DbCommand CreateCommand(DbConnection connection)
        {
            var command = connection.CreateCommand();
            command.CommandText = _sql;
            for (var c = 0; c < _columns.Length; c++)
            {
                var (property, mapping) = _columns[c];
                command.Parameters.Add(mapping.CreateParameter(command, _parameterNames[c], null, property.IsNullable));
            }
            return command;
        }

        public async Task<long> ExecuteAsync(DbCommand command, object row, CancellationToken ct)
        {
            // Only the values change from row to row: new parameters per column and row were a tenth of what a /idea
            // allocated (bench/AllocationTrace).
            for (var c = 0; c < _columns.Length; c++)
            {
                var (property, mapping) = _columns[c];
                // Converted as the mapping's CreateParameter converts them (enums, times, the tag list).
                var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
                if (_listConversions[c] is { } recent) value = recent.Convert(value);
                else if (mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
                command.Parameters[c].Value = value ?? DBNull.Value;
            }
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Gives a stored row its id (the property may have no public setter).</summary>
        public void SetId(object row, long id) => _key.PropertyInfo!.SetValue(row, id);
    }

    /// <summary>
    /// The provider values of the last few string lists converted (a tag list's JSON): a team uses few distinct tag
    /// lists, and each conversion through EF's JSON writer was a fifth of the bytes the writer allocated per idea.
    /// The converter stays the one source of the stored form. Used by one writer at a time.
    /// </summary>
    private sealed class RecentListConversions(ValueConverter converter)
    {
        private readonly (string[]? List, object? Value)[] _recent = new (string[]?, object?)[32];
        private int _next;

        public object? Convert(object? value)
        {
            if (value is not IReadOnlyList<string> list) return converter.ConvertToProvider(value);
            foreach (var (known, converted) in _recent)
            {
                if (known is not null && SameItems(known, list)) return converted;
            }
            var result = converter.ConvertToProvider(value);
            _recent[_next] = ([.. list], result);
            _next = (_next + 1) % _recent.Length;
            return result;
        }

        private static bool SameItems(string[] known, IReadOnlyList<string> list)
        {
            if (known.Length != list.Count) return false;
            for (var i = 0; i < known.Length; i++)
            {
                if (!string.Equals(known[i], list[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }
    }
}
