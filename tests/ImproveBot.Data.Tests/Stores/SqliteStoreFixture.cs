using ImproveBot.Core;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Teams;
using ImproveBot.Data;
using ImproveBot.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace ImproveBot.Data.Tests.Stores;

/// <summary>A real, migrated SQLite file in a temporary folder, with the data services registered as the bot registers them.</summary>
public sealed class SqliteStore : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ServiceProvider _services;

    private SqliteStore(string directory, ServiceProvider services, FakeTimeProvider clock)
    {
        _directory = directory;
        _services = services;
        Clock = clock;
    }

    public FakeTimeProvider Clock { get; }

    public string DatabasePath => Path.Combine(_directory, "store.db");

    public static async Task<SqliteStore> CreateAsync(Action<IServiceCollection>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "improvebot-data-tests", Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:ImproveBot"] = $"Data Source={Path.Combine(directory, "store.db")}",
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
        var store = new SqliteStore(directory, services, clock);
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
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
