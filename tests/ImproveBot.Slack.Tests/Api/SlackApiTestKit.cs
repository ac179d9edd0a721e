using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ImproveBot.Slack.Api;
using ImproveBot.Testing.FakeSlack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>
/// A <see cref="FakeSlackServer"/> and an <see cref="ISlackApi"/> wired to it through <c>AddSlackApi</c>, as the host
/// would wire it, with captured logs. Tests that check waits pass a <see cref="FakeTimeProvider"/>, shared by the
/// client's retry delays and the fake's clock, and move it with <see cref="DriveAsync{T}"/>.
/// </summary>
internal sealed class SlackApiTestKit : IAsyncDisposable
{
    /// <summary>Limits that never get in the way: the tests for the limits set their own.</summary>
    public static readonly SlackApiPolicy QuickPolicy = new()
    {
        MethodLimits = new Dictionary<string, SlackRateLimit>(),
        PostMessagePerChannel = new SlackRateLimit(1000, TimeSpan.FromSeconds(1)),
        TransientBaseDelay = TimeSpan.FromMilliseconds(1),
        TransientMaxDelay = TimeSpan.FromMilliseconds(10),
    };

    private SlackApiTestKit(FakeSlackServer slack, ServiceProvider services, CapturingLoggerProvider logs, FakeTimeProvider? clock)
    {
        Slack = slack;
        Services = services;
        Logs = logs;
        Clock = clock;
    }

    public FakeSlackServer Slack { get; }
    public ServiceProvider Services { get; }
    public CapturingLoggerProvider Logs { get; }
    public FakeTimeProvider? Clock { get; }
    public ISlackApi Api => Services.GetRequiredService<ISlackApi>();
    public SlackRateLimits Limits => Services.GetRequiredService<SlackRateLimits>();

    public static DateTimeOffset Start { get; } = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    /// <param name="configure">Changes to the client's <see cref="SlackOptions"/> (tokens point at the fake by default).</param>
    /// <param name="faults">Random faults the fake injects (none by default).</param>
    public static async Task<SlackApiTestKit> StartAsync(SlackApiPolicy? policy = null, FakeTimeProvider? clock = null, Action<SlackOptions>? configure = null,
        ImproveBot.Testing.Faults.FaultOptions? faults = null)
    {
        var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { Time = clock ?? TimeProvider.System, Faults = faults });
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (clock is not null) services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(policy ?? QuickPolicy);
        services.Configure<SlackOptions>(o =>
        {
            o.BotToken = slack.BotToken;
            o.AppToken = slack.AppToken;
            o.ApiBaseUrl = slack.ApiBaseUrl;
            configure?.Invoke(o);
        });
        services.AddSlackApi();
        return new SlackApiTestKit(slack, services.BuildServiceProvider(), logs, clock);
    }

    /// <summary>
    /// Moves the fake clock in <paramref name="step"/>s until <paramref name="task"/> ends, so retry delays pass without
    /// real waiting. Bounded: at most <paramref name="maxSteps"/> steps, then the task must end within 30 s of real time.
    /// </summary>
    public async Task<T> DriveAsync<T>(Task<T> task, TimeSpan? step = null, int maxSteps = 600)
    {
        await DriveAsync((Task)task, step, maxSteps);
        return await task;
    }

    public async Task DriveAsync(Task task, TimeSpan? step = null, int maxSteps = 600)
    {
        var clock = Clock ?? throw new InvalidOperationException("This kit has no fake clock.");
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            clock.Advance(step ?? TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(task, Task.Delay(10));
        }
        await task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; for state the server changes on its own threads.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), $"Timed out waiting for: {what}");
    }

    public static JsonObject Fixture(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)))!.AsObject();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Slack.DisposeAsync();
    }
}

/// <summary>Keeps every log line (rendered message and exception) so tests can check what is, and is not, logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Text)> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : " | " + exception)));
    }
}
