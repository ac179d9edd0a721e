using ImproveBot.Core.Cluster;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Data.Cluster;
using ImproveBot.Data.Outbox;
using ImproveBot.Data.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImproveBot.Data;

/// <summary>Registers the EF Core context, the stores behind the core's storage ports, and the migrator.</summary>
public static class DataSetup
{
    /// <summary>The connection string used when none is configured: a SQLite file under <c>data/</c>.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/improvebot.db";

    public static IServiceCollection AddImproveBotData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var database = ResolveDatabase(configuration);
        var connectionString = database.ConnectionString;
        services.AddSingleton(database);

        if (database.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContextPool<PostgresImproveBotDbContext>((sp, o) => o.UseNpgsql(connectionString, n => n.EnableRetryOnFailure(5))
                .AddInterceptors(sp.GetServices<IInterceptor>()));
            services.AddScoped<ImproveBotDbContext>(sp => sp.GetRequiredService<PostgresImproveBotDbContext>());
        }
        else
        {
            // Interceptors registered in DI join in: tests use one to bring about storage faults (a full database).
            services.AddDbContextPool<SqliteImproveBotDbContext>((sp, o) => o.UseSqlite(connectionString)
                .AddInterceptors(SqliteBusyWait.Interceptor).AddInterceptors(sp.GetServices<IInterceptor>()));
            services.AddScoped<ImproveBotDbContext>(sp => sp.GetRequiredService<SqliteImproveBotDbContext>());
        }

        services.AddScoped<IMemberDirectory, EfMemberDirectory>();
        services.AddScoped<IIdeaStore, EfIdeaStore>();
        services.AddScoped<IRoundStore, EfRoundStore>();
        services.AddScoped<IOutbox, EfOutbox>();
        services.AddScoped<IUnitOfWork, EfUnitOfWork>();
        services.AddScoped<EfInboundLog>();
        services.AddScoped<IInboundLog>(sp => sp.GetRequiredService<EfInboundLog>());
        services.AddSingleton<InboundClaims>();
        services.AddSingleton<SqliteDeliveryLookup>();
        services.TryAddSingleton(InstanceIdentity.ForThisProcess());
        if (database.Provider == DatabaseProvider.Postgres) services.AddSingleton<ISingletonLease, EfSingletonLease>();
        else services.AddSingleton<ISingletonLease>(ProcessSingletonLease.Instance);
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<IdeaGroupCommit>();
        services.AddSingleton<DatabaseMigrator>();
        return services;
    }

    /// <summary>The database the configuration names: provider and connection string.</summary>
    public static DatabaseConnection ResolveDatabase(IConfiguration configuration)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        return new DatabaseConnection(options.IsPostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite,
            ResolveConnectionString(configuration, options));
    }

    /// <summary>
    /// <c>ConnectionStrings:ImproveBot</c> when set; otherwise the default SQLite file. SQLite gets a
    /// busy timeout so the bot and Quartz (which share the file) wait for each other instead of failing.
    /// </summary>
    internal static string ResolveConnectionString(IConfiguration configuration, DatabaseOptions options)
    {
        var configured = configuration.GetConnectionString("ImproveBot");
        if (options.IsPostgres)
        {
            return string.IsNullOrWhiteSpace(configured)
                ? throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:ImproveBot is not set.")
                : configured;
        }
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultSqliteConnectionString : configured);
        builder.Pooling = true;
        return builder.ToString();
    }
}

public enum DatabaseProvider
{
    Sqlite = 0,
    Postgres = 1,
}

/// <summary>The resolved database, shared with Quartz so that both use the same database.</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString);
