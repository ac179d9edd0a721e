using ImproveBot.Core;
using ImproveBot.Core.Messaging;
using ImproveBot.Data;
using ImproveBot.Discord;
using ImproveBot.Host.Api;
using ImproveBot.Host.Configuration;
using ImproveBot.Host.Jobs;
using ImproveBot.Host.Local;
using ImproveBot.Host.Operations;
using ImproveBot.Slack;
using Microsoft.Extensions.Options;

namespace ImproveBot.Host;

/// <summary>Composes the bot: configuration, core, data, platforms, jobs, endpoints.</summary>
internal static partial class HostSetup
{
    /// <summary>Where the bot listens when nothing else is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Builds the application. <paramref name="configure"/> lets tests replace services (the clock) and settings.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = FindContentRoot() });
        // The top-level appsettings.json is the one operators edit; environment variables (Slack__BotToken style) override it.
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{builder.Environment.EnvironmentName}.json", optional: true, reloadOnChange: false)
            .AddUserSecrets(typeof(HostSetup).Assembly, optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        builder.WebHost.UseUrls(ListenUrls(builder.Configuration));
        // Slack and Discord payloads are small; nothing legitimate needs more than this.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        configure?.Invoke(builder);

        var services = builder.Services;
        // A clock the caller registered (a test's fake) must stay the one the core reads, even after
        // Quartz's UseTimeProvider adds the system clock to the container for the scheduler.
        var callerClock = services.LastOrDefault(d => d.ServiceType == typeof(TimeProvider));
        var configuration = builder.Configuration;
        services.AddOptions<TeamDefaultsOptions>().BindConfiguration(TeamDefaultsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LocalOptions>().BindConfiguration(LocalOptions.Section);
        services.AddOptions<FollowUpsOptions>().BindConfiguration(FollowUpsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TeamDefaultsOptions>>().Value.ToTeamDefaults());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FollowUpsOptions>>().Value.ToPolicy());

        services.AddImproveBotCore();
        services.AddImproveBotData(configuration);
        services.AddSlackAdapter(configuration);
        services.AddDiscordAdapter(configuration);
        var localEnabled = IsLocalPlaygroundEnabled(configuration);
        if (localEnabled) services.AddLocalPlayground();
        services.AddHostedService<StartupMigrationService>();
        services.AddImproveBotJobs(configuration, DataSetup.ResolveDatabase(configuration));
        if (callerClock is not null) services.Add(callerClock);
        services.AddImproveBotHealth();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            // The playground and admin API echo user text: <, >, & and quotes leave as \u escapes, so no answer can be
            // read as markup, while letters of every script stay readable.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        });

        var app = builder.Build();
        // Answers carry user text (JSON, the playground page): a browser must never guess them to be HTML.
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapImproveBotHealth();
        app.MapAdminApi();
        app.MapSlackAdapter(configuration);
        app.MapDiscordAdapter(configuration);
        if (localEnabled) app.MapLocalPlayground();
        LogStartup(app.Logger, localEnabled, app.Services.GetRequiredService<DatabaseConnection>().Provider);
        return app;
    }

    /// <summary><c>urls</c> (command line or <c>urls</c> key), else <c>ASPNETCORE_URLS</c>, else loopback only.</summary>
    internal static string ListenUrls(IConfiguration configuration) =>
        new[] { configuration["urls"], configuration["ASPNETCORE_URLS"] }.FirstOrDefault(u => !string.IsNullOrWhiteSpace(u)) ?? DefaultUrl;

    /// <summary>
    /// The playground lets anyone act as anyone, so it is on only when no chat platform has credentials,
    /// unless <c>Local:Enabled</c> says otherwise explicitly.
    /// </summary>
    internal static bool IsLocalPlaygroundEnabled(IConfiguration configuration)
    {
        if (bool.TryParse(configuration["Local:Enabled"], out var explicitly)) return explicitly;
        return string.IsNullOrEmpty(configuration["Slack:BotToken"]) && string.IsNullOrEmpty(configuration["Discord:BotToken"]);
    }

    private static IServiceCollection AddLocalPlayground(this IServiceCollection services)
    {
        services.AddSingleton<LocalMailbox>(sp => new LocalMailbox(sp.GetRequiredService<IOptions<LocalOptions>>().Value));
        services.AddSingleton<IChatPlatform, LocalChatPlatform>();
        services.AddScoped<LocalTeam>();
        return services;
    }

    // appsettings.json sits at the repository root (and next to the binary in the container image);
    // walk up from the working directory so `dotnet run --project src/ImproveBot.Host` finds it too.
    private static string FindContentRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "appsettings.json"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ImproveBot starting on {Provider}; local playground {Playground}")]
    private static partial void LogStartupCore(ILogger logger, DatabaseProvider provider, string playground);

    private static void LogStartup(ILogger logger, bool localEnabled, DatabaseProvider provider) =>
        LogStartupCore(logger, provider, localEnabled
            ? "ON: anyone who can reach this port can act as any user (no chat platform configured, or Local:Enabled=true)"
            : "off");
}

/// <summary>Applies migrations before anything else starts (registered before Quartz, so the scheduler finds the database ready).</summary>
internal sealed class StartupMigrationService(DatabaseMigrator migrator, IOptions<DatabaseOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.MigrateOnStart ? migrator.MigrateAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
