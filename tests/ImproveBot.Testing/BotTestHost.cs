using ImproveBot.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Testing;

/// <summary>
/// The real bot host on 127.0.0.1 (a free port), on a SQLite file in a temporary folder, with a fake clock
/// and the scheduler's triggers off so tests drive the jobs themselves. Restartable on the same database.
/// </summary>
public sealed class BotTestHost : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private WebApplication? _app;

    private readonly Action<IServiceCollection>? _services;

    private BotTestHost(string directory, FakeTimeProvider clock, Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        Directory = directory;
        Clock = clock;
        _settings = settings;
        _services = services;
    }

    /// <summary>The temporary folder holding the database; deleted on dispose.</summary>
    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "improvebot.db");

    /// <summary>The clock every core service reads.</summary>
    public FakeTimeProvider Clock { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public HttpClient Http { get; private set; } = new();

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host is not running.");

    /// <summary>Starts a host. <paramref name="settings"/> override configuration keys (e.g. <c>Teams:TimeZone</c>).</summary>
    /// <param name="services">Registers test doubles or policies before the bot's own registrations (which only add what is missing).</param>
    public static async Task<BotTestHost> StartAsync(DateTimeOffset now, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "improvebot-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var merged = new Dictionary<string, string?>
        {
            ["ConnectionStrings:ImproveBot"] = $"Data Source={Path.Combine(directory, "improvebot.db")}",
            ["Scheduling:Enabled"] = "false",
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) merged[key] = value;
        var host = new BotTestHost(directory, new FakeTimeProvider(now), merged, services);
        await host.StartAppAsync();
        return host;
    }

    /// <summary>Stops the host as a crash or deploy would, and starts a new one on the same database and clock.</summary>
    public async Task RestartAsync()
    {
        await StopAppAsync();
        await StartAppAsync();
    }

    /// <summary>Runs <paramref name="action"/> with services from a fresh scope, as one request would.</summary>
    public Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action) => Services.InScopeAsync(action);

    public Task InScopeAsync(Func<IServiceProvider, Task> action) => Services.InScopeAsync(action);

    private async Task StartAppAsync()
    {
        var args = _settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        _app = HostSetup.Build(args, builder =>
        {
            builder.Environment.EnvironmentName = "Testing";
            builder.Services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(builder.Services);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    private async Task StopAppAsync()
    {
        Http.Dispose();
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
        // Pooled SQLite connections keep the file open; release them so a restart or delete starts clean.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over it.
        }
    }
}
