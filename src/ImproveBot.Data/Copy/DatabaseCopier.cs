using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Teams;
using ImproveBot.Data.Outbox;
using ImproveBot.Data.Stores;
using Microsoft.EntityFrameworkCore;

namespace ImproveBot.Data.Copy;

/// <summary>How many rows of one table were copied.</summary>
public sealed record CopiedTable(string Table, int Rows);

/// <summary>
/// Copies every row of the bot's own tables from one database to another, typically from the SQLite file to a new
/// PostgreSQL database when a team outgrows one process (the <c>copy-data</c> verb). Ids are kept, so everything that
/// refers to a row (idea numbers people know, outbox keys) stays valid.
/// </summary>
/// <remarks>
/// The target is migrated first and must be empty: copying into a database that already has data would mix two
/// histories. Tables are copied parents first, in pages, each page in a fresh context. On PostgreSQL the identity
/// sequences are moved past the copied ids afterwards, so new rows do not collide with them. Quartz's tables are
/// not copied: every start provisions them and registers the jobs again. Run it while the bot is stopped.
/// </remarks>
internal sealed class DatabaseCopier
{
    private const int PageSize = 1000;

    /// <summary>Builds a context for a provider and connection string, as the bot would (without pooling).</summary>
    public static ImproveBotDbContext CreateContext(DatabaseConnection database) => database.Provider == DatabaseProvider.Postgres
        ? new PostgresImproveBotDbContext(new DbContextOptionsBuilder<PostgresImproveBotDbContext>().UseNpgsql(database.ConnectionString).Options)
        : new SqliteImproveBotDbContext(new DbContextOptionsBuilder<SqliteImproveBotDbContext>().UseSqlite(database.ConnectionString)
            .AddInterceptors(Stores.SqliteBusyWait.Interceptor).Options);

    public async Task<IReadOnlyList<CopiedTable>> CopyAsync(DatabaseConnection source, DatabaseConnection target, CancellationToken ct)
    {
        if (source.Provider == target.Provider && source.ConnectionString == target.ConnectionString)
            throw new InvalidOperationException("The source and the target are the same database.");

        await using (var check = CreateContext(source))
        {
            if ((await check.Database.GetPendingMigrationsAsync(ct)).Any())
                throw new InvalidOperationException("The source database is not fully migrated: start the bot on it once (or run the migrate verb) first.");
        }
        await using (var migrate = CreateContext(target))
        {
            await migrate.Database.MigrateAsync(ct);
            if (await migrate.Teams.AnyAsync(ct) || await migrate.Members.AnyAsync(ct) || await migrate.Outbox.AnyAsync(ct))
                throw new InvalidOperationException("The target database already has data; copy-data only fills an empty database.");
        }

        var copied = new List<CopiedTable>
        {
            await CopyTableAsync<Team>("teams", source, target, ct),
            await CopyTableAsync<Member>("members", source, target, ct),
            await CopyTableAsync<ReflectionRound>("rounds", source, target, ct),
            await CopyTableAsync<PromptDelivery>("prompt_deliveries", source, target, ct),
            await CopyTableAsync<Reflection>("reflections", source, target, ct),
            await CopyTableAsync<Idea>("ideas", source, target, ct),
            await CopyTableAsync<IdeaVote>("idea_votes", source, target, ct),
            await CopyTableAsync<OutboxRow>("outbox", source, target, ct),
            await CopyTableAsync<ProcessedEvent>("processed_events", source, target, ct),
        };

        if (target.Provider == DatabaseProvider.Postgres)
        {
            await using var db = CreateContext(target);
            foreach (var table in new[] { "teams", "members", "rounds", "prompt_deliveries", "reflections", "ideas", "outbox", "processed_events" })
            {
                // The table names are the fixed list above, never input. is_called=true: the next id is max + 1.
#pragma warning disable EF1002
                await db.Database.ExecuteSqlRawAsync(
                    $"""SELECT setval(pg_get_serial_sequence('"{table}"', 'Id'), (SELECT COALESCE(MAX("Id"), 0) + 1 FROM "{table}"), false)""", ct);
#pragma warning restore EF1002
            }
        }
        return copied;
    }

    private static async Task<CopiedTable> CopyTableAsync<T>(string table, DatabaseConnection source, DatabaseConnection target, CancellationToken ct)
        where T : class
    {
        var rows = 0;
        for (var page = 0; ; page++)
        {
            List<T> batch;
            await using (var from = CreateContext(source))
            {
                var key = from.Model.FindEntityType(typeof(T))!.FindPrimaryKey()!.Properties;
                IQueryable<T> query = from.Set<T>().AsNoTracking();
                var ordered = query.OrderBy(e => EF.Property<object>(e, key[0].Name));
                for (var k = 1; k < key.Count; k++)
                {
                    var name = key[k].Name;
                    ordered = ordered.ThenBy(e => EF.Property<object>(e, name));
                }
                batch = await ordered.Skip(page * PageSize).Take(PageSize).ToListAsync(ct);
            }
            if (batch.Count == 0) break;

            await using (var to = CreateContext(target))
            {
                to.ChangeTracker.AutoDetectChangesEnabled = false;
                to.Set<T>().AddRange(batch);
                await to.SaveChangesAsync(ct);
            }
            rows += batch.Count;
            if (batch.Count < PageSize) break;
        }
        return new CopiedTable(table, rows);
    }
}
