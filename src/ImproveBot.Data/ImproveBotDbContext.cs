using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Teams;
using ImproveBot.Data.Outbox;
using ImproveBot.Data.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NodaTime;

namespace ImproveBot.Data;

/// <summary>
/// The bot's database. Mapping lives in <c>Configurations/</c>; the domain classes carry no EF attributes.
/// </summary>
/// <remarks>
/// Timestamps are <see cref="DateTimeOffset"/> in UTC. SQLite cannot compare or order DateTimeOffset
/// text, so on SQLite they are stored as UTC milliseconds since the epoch; PostgreSQL keeps
/// <c>timestamptz</c>. NodaTime values are stored as plain columns on both.
/// </remarks>
internal abstract class ImproveBotDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<Idea> Ideas => Set<Idea>();
    public DbSet<IdeaVote> IdeaVotes => Set<IdeaVote>();
    public DbSet<ReflectionRound> Rounds => Set<ReflectionRound>();
    public DbSet<PromptDelivery> Deliveries => Set<PromptDelivery>();
    public DbSet<Reflection> Reflections => Set<Reflection>();
    public DbSet<OutboxRow> Outbox => Set<OutboxRow>();
    public DbSet<Stores.ProcessedEvent> ProcessedEvents => Set<Stores.ProcessedEvent>();
    public DbSet<Cluster.SingletonLeaseRow> SingletonLeases => Set<Cluster.SingletonLeaseRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ImproveBotDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Conventions.Replace<ForeignKeyIndexConvention>(services =>
            new OptionalForeignKeyIndexConvention(services.GetRequiredService<ProviderConventionSetBuilderDependencies>()));
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcMillisecondsConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcMillisecondsConverter>();
        }
        configurationBuilder.Properties<LocalDate>().HaveConversion<LocalDateConverter>();
        configurationBuilder.Properties<LocalTime>().HaveConversion<LocalTimeConverter>();
        configurationBuilder.Properties<Duration>().HaveConversion<DurationConverter>();
        configurationBuilder.Properties<IsoDayOfWeek>().HaveConversion<int>();
    }

    private sealed class UtcMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.ToUnixTimeMilliseconds(),
        v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    private sealed class LocalDateConverter() : ValueConverter<LocalDate, DateOnly>(
        v => v.ToDateOnly(),
        v => LocalDate.FromDateOnly(v));

    private sealed class LocalTimeConverter() : ValueConverter<LocalTime, TimeOnly>(
        v => v.ToTimeOnly(),
        v => LocalTime.FromTimeOnly(v));

    private sealed class DurationConverter() : ValueConverter<Duration, long>(
        v => (long)v.TotalSeconds,
        v => Duration.FromSeconds(v));
}

/// <summary>The context on SQLite, with the SQLite migrations.</summary>
internal sealed class SqliteImproveBotDbContext(DbContextOptions<SqliteImproveBotDbContext> options) : ImproveBotDbContext(options);

/// <summary>The context on PostgreSQL, with the PostgreSQL migrations.</summary>
internal sealed class PostgresImproveBotDbContext(DbContextOptions<PostgresImproveBotDbContext> options) : ImproveBotDbContext(options);
