using Microsoft.EntityFrameworkCore;

namespace ImproveBot.Data.Tests.Stores;

public sealed class MigrationTests
{
    // A model change without a migration for either provider fails here, before it can reach a database.
    [Fact]
    public void SqliteModel_HasMigrationForEveryChange()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context SqliteImproveBotDbContext --output-dir Migrations/Sqlite");
    }

    [Fact]
    public void PostgresModel_HasMigrationForEveryChange()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context PostgresImproveBotDbContext --output-dir Migrations/Postgres");
    }
}
