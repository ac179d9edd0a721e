using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ImproveBot.Data;

// Used only by `dotnet ef migrations add`; the running bot configures contexts in DataSetup.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteImproveBotDbContext>
{
    public SqliteImproveBotDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteImproveBotDbContext>().UseSqlite(DataSetup.DefaultSqliteConnectionString).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresImproveBotDbContext>
{
    public PostgresImproveBotDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresImproveBotDbContext>().UseNpgsql("Host=127.0.0.1;Database=improvebot").Options);
}
