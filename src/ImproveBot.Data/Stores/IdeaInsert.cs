using System.Data.Common;
using ImproveBot.Core.Ideas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ImproveBot.Data.Stores;

/// <summary>
/// Inserts new ideas with one prepared <c>INSERT … RETURNING</c> per idea, all in one transaction: the hot path of
/// <see cref="IdeaGroupCommit"/>, where EF's change tracking and batching cost more than the write itself. Table,
/// columns and value conversions come from the EF model, so the SQL stays in step with the mapping and the migrations.
/// </summary>
internal sealed class IdeaInsert
{
    private readonly string _sql;
    private readonly (IProperty Property, RelationalTypeMapping Mapping)[] _columns;
    private readonly IProperty _key;

    public IdeaInsert(ImproveBotDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(Idea)) ?? throw new InvalidOperationException("Idea is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        _key = entity.FindPrimaryKey()!.Properties.Single();
        _columns = entity.GetProperties()
            .Where(p => p != _key)
            .Select(p => (p, (RelationalTypeMapping)p.GetRelationalTypeMapping()))
            .ToArray();
        var names = string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)));
        var values = string.Join(", ", _columns.Select((_, i) => "@p" + i));
        _sql = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values}) " +
               $"RETURNING {sql.DelimitIdentifier(_key.GetColumnName(table)!)}";
    }

    /// <summary>Inserts <paramref name="ideas"/> in one transaction and returns their new ids, in order.</summary>
    public async Task<long[]> ExecuteAsync(ImproveBotDbContext db, IReadOnlyList<Idea> ideas, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = _sql;
            var ids = new long[ideas.Count];
            for (var i = 0; i < ideas.Count; i++)
            {
                command.Parameters.Clear();
                for (var c = 0; c < _columns.Length; c++)
                {
                    var (property, mapping) = _columns[c];
                    // The mapping converts the value as EF would (enums, times, the tag list) and types the parameter.
                    var value = property.GetGetter().GetClrValueUsingContainingEntity(ideas[i]);
                    command.Parameters.Add(mapping.CreateParameter(command, "@p" + c, value, property.IsNullable));
                }
                ids[i] = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }
            await transaction.CommitAsync(ct);
            return ids;
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

    /// <summary>Gives a stored idea its id (the property has no public setter).</summary>
    public void SetId(Idea idea, long id) => _key.PropertyInfo!.SetValue(idea, id);
}
