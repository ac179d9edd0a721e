using System.Data.Common;
using ImproveBot.Core.Ideas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ImproveBot.Data.Stores;

/// <summary>
/// Inserts new ideas, and the delivery records that came with them, with one prepared <c>INSERT … RETURNING</c> per
/// row, all in one transaction: the hot path of <see cref="IdeaGroupCommit"/>, where EF's change tracking and batching
/// cost more than the write itself.
/// </summary>
internal sealed class IdeaInsert(ImproveBotDbContext db)
{
    private readonly RowInsert _ideas = new(db, typeof(Idea));
    private readonly RowInsert _deliveries = new(db, typeof(ProcessedEvent));

    /// <summary>Inserts every row of <paramref name="batch"/> in one transaction and sets their new ids.</summary>
    public async Task ExecuteAsync(ImproveBotDbContext db, IReadOnlyList<(Idea Idea, IReadOnlyList<ProcessedEvent> Deliveries)> batch, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var ideaCommand = _ideas.CreateCommand(connection, transaction);
            await using var deliveryCommand = _deliveries.CreateCommand(connection, transaction);
            // Ids are set only after the commit, so a rolled-back batch leaves every row looking unsaved.
            var ideaIds = new long[batch.Count];
            var deliveryIds = new List<long>();
            for (var i = 0; i < batch.Count; i++)
            {
                ideaIds[i] = await _ideas.ExecuteAsync(ideaCommand, batch[i].Idea, ct);
                foreach (var delivery in batch[i].Deliveries) deliveryIds.Add(await _deliveries.ExecuteAsync(deliveryCommand, delivery, ct));
            }
            await transaction.CommitAsync(ct);
            var d = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                _ideas.SetId(batch[i].Idea, ideaIds[i]);
                foreach (var delivery in batch[i].Deliveries) delivery.Id = deliveryIds[d++];
            }
        }
        catch (DbException ex)
        {
            // The same failure type as SaveChanges, so callers handle one kind of storage error.
            throw new DbUpdateException("Storing new ideas failed.", ex);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// One entity type's <c>INSERT … RETURNING key</c>. Table, columns and value conversions come from the EF model, so
    /// the SQL stays in step with the mapping and the migrations.
    /// </summary>
    private sealed class RowInsert
    {
        private readonly string _sql;
        private readonly (IProperty Property, RelationalTypeMapping Mapping)[] _columns;
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
            _parameterNames = _columns.Select((_, i) => "@p" + i).ToArray();
            var values = string.Join(", ", _parameterNames);
            _sql = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values}) " +
                   $"RETURNING {sql.DelimitIdentifier(_key.GetColumnName(table)!)}";
        }

        /// <summary>The command with its parameters, created and typed once per batch by the mapping, as EF would.</summary>
        public DbCommand CreateCommand(DbConnection connection, DbTransaction transaction)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
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
                if (mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
                command.Parameters[c].Value = value ?? DBNull.Value;
            }
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Gives a stored row its id (the property may have no public setter).</summary>
        public void SetId(object row, long id) => _key.PropertyInfo!.SetValue(row, id);
    }
}
