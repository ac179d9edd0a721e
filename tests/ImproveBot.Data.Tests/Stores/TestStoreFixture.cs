using ImproveBot.Core;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Teams;
using ImproveBot.Data;
using ImproveBot.Testing;
using ImproveBot.Testing.Postgres;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace ImproveBot.Data.Tests.Stores;

/// <summary>
/// A real, migrated database with the data services registered as the bot registers them: a SQLite file in a
/// temporary folder, or a fresh database of its own on the test PostgreSQL server (see <see cref="TestPostgres"/>).
/// </summary>
public class TestStore : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ServiceProvider _services;
    private readonly TestPostgresDatabase? _postgres;

    private protected TestStore(TestProvider provider, string directory, ServiceProvider services, FakeTimeProvider clock, TestPostgresDatabase? postgres)
    {
        Provider = provider;
        _directory = directory;
        _services = services;
        _postgres = postgres;
        Clock = clock;
    }

    public TestProvider Provider { get; }

    public FakeTimeProvider Clock { get; }

    public string DatabasePath => Path.Combine(_directory, "store.db");

    /// <summary>The PostgreSQL database, when <see cref="Provider"/> is PostgreSQL.</summary>
    public TestPostgresDatabase? Postgres => _postgres;

    public IServiceProvider Services => _services;

    /// <param name="sqliteOptions">Extra SQLite connection-string keywords, e.g. <c>Default Timeout=1</c> for a short busy wait.</param>
    public static Task<TestStore> CreateAsync(TestProvider provider, Action<IServiceCollection>? configure = null, string? sqliteOptions = null) =>
        BuildAsync(provider, configure, (d, s, c, p) => new TestStore(provider, d, s, c, p), sqliteOptions);

    private protected static async Task<T> BuildAsync<T>(TestProvider provider, Action<IServiceCollection>? configure,
        Func<string, ServiceProvider, FakeTimeProvider, TestPostgresDatabase?, T> create, string? sqliteOptions = null) where T : TestStore
    {
        var directory = Path.Combine(Path.GetTempPath(), "improvebot-data-tests", Guid.NewGuid().ToString("N"));
        var postgres = provider == TestProvider.Postgres ? await TestPostgres.CreateDatabaseAsync() : null;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:ImproveBot"] = postgres?.ConnectionString ?? $"Data Source={Path.Combine(directory, "store.db")}" + (sqliteOptions is null ? "" : ";" + sqliteOptions),
        }).Build();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var collection = new ServiceCollection();
        configure?.Invoke(collection);
        var services = collection
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(new TeamDefaults(IsoDayOfWeek.Friday, new LocalTime(15, 0), "UTC", Duration.FromHours(4),
                Duration.FromDays(3), IdeaVisibility.Team, "C-team"))
            .AddImproveBotCore()
            .AddImproveBotData(configuration)
            .BuildServiceProvider();
        var store = create(directory, services, clock, postgres);
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        return store;
    }

    /// <summary>Runs <paramref name="action"/> in a fresh scope (a fresh DbContext), as one request would.</summary>
    public Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action) => _services.InScopeAsync(action);

    /// <summary>A scope the test holds open, to stage work in two scopes at once (a race).</summary>
    public AsyncServiceScope CreateScope() => _services.CreateAsyncScope();

    public Task InScopeAsync(Func<IServiceProvider, Task> action) => _services.InScopeAsync(action);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A <see cref="TestStore"/> on SQLite (the default provider).</summary>
public sealed class SqliteStore : TestStore
{
    private SqliteStore(string directory, ServiceProvider services, FakeTimeProvider clock)
        : base(TestProvider.Sqlite, directory, services, clock, null)
    {
    }

    public static Task<SqliteStore> CreateAsync(Action<IServiceCollection>? configure = null) =>
        BuildAsync(TestProvider.Sqlite, configure, (d, s, c, _) => new SqliteStore(d, s, c));
}
