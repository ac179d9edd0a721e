using ImproveBot.Core.Ideas;
using ImproveBot.Core.Reflections;
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

    // Every /idea inserts into each index of `ideas`; one ordered by author puts each insert on a page of its own, which
    // was the idea writer's largest cost. The convention must leave that one out, and only that one. No index on the
    // status-change time either: no query used it, and each commit wrote one page more for it.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ideas_HaveNoAuthorOrStatusChangeIndex_NorReflectionEntriesForPlainIdeas_WhileOtherForeignKeysKeepTheirIndexes(bool postgres)
    {
        using DbContext db = postgres ? new PostgresDesignTimeFactory().CreateDbContext([]) : new SqliteDesignTimeFactory().CreateDbContext([]);
        var ideas = db.Model.FindEntityType(typeof(Idea))!;
        Assert.DoesNotContain(ideas.GetIndexes(), i => i.Properties[0].Name == nameof(Idea.AuthorId));
        Assert.DoesNotContain(ideas.GetIndexes(), i => i.Properties.Any(p => p.Name == nameof(Idea.StatusChangedAt)));
        var byReflection = Assert.Single(ideas.GetIndexes(), i => i.Properties is [{ Name: nameof(Idea.ReflectionId) }]);
        Assert.Equal("\"ReflectionId\" IS NOT NULL", byReflection.GetFilter());

        // The same kind of foreign key elsewhere keeps the index EF gives it by convention.
        var votes = db.Model.FindEntityType(typeof(IdeaVote))!;
        Assert.Contains(votes.GetIndexes(), i => i.Properties is [{ Name: nameof(IdeaVote.MemberId) }]);
        var reflections = db.Model.FindEntityType(typeof(Reflection))!;
        Assert.Contains(reflections.GetIndexes(), i => i.Properties[0].Name == nameof(Reflection.MemberId));
    }
}
