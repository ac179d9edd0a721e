using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ImproveBot.Discord.Api;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Api;

/// <summary>
/// A <see cref="FakeDiscordServer"/> and an <see cref="IDiscordApi"/> wired to it through <c>AddDiscordApi</c>, as the host
/// would wire it, with captured logs. Tests that check waits pass a <see cref="FakeTimeProvider"/>, shared by the client's
/// delays and the fake's clock, and move it with <see cref="DriveAsync{T}"/>.
/// </summary>
internal sealed class DiscordApiTestKit : IAsyncDisposable
{
    public const string Guild = "1300000000000000001";
    public const string Channel = "1300000000000000002";
    public const string OtherChannel = "1300000000000000003";
    public static readonly FakeDiscordUser Ada = new("1200000000000000001", "ada") { GlobalName = "Ada Lovelace" };

    /// <summary>Backoff that never gets in the way: the tests for waiting set their own.</summary>
    public static readonly DiscordApiPolicy QuickPolicy = new()
    {
        TransientBaseDelay = TimeSpan.FromMilliseconds(1),
        TransientMaxDelay = TimeSpan.FromMilliseconds(10),
    };

    private DiscordApiTestKit(FakeDiscordServer discord, ServiceProvider services, CapturingLoggerProvider logs, FakeTimeProvider? clock)
    {
        Discord = discord;
        Services = services;
        Logs = logs;
        Clock = clock;
    }

    public FakeDiscordServer Discord { get; }
    public ServiceProvider Services { get; }
    public CapturingLoggerProvider Logs { get; }
    public FakeTimeProvider? Clock { get; }
    public IDiscordApi Api => Services.GetRequiredService<IDiscordApi>();
    public DiscordRateLimits Limits => Services.GetRequiredService<DiscordRateLimits>();

    public static DateTimeOffset Start { get; } = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    public static async Task<DiscordApiTestKit> StartAsync(DiscordApiPolicy? policy = null, FakeTimeProvider? clock = null,
        FakeDiscordOptions? fake = null, Action<DiscordOptions>? configure = null)
    {
        var discord = await FakeDiscordServer.StartAsync(fake ?? new FakeDiscordOptions { Time = clock ?? TimeProvider.System });
        discord.AddUser(Ada).AddGuild(Guild, "Vision Lab", Channel, OtherChannel);
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (clock is not null) services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(policy ?? QuickPolicy);
        services.Configure<DiscordOptions>(o =>
        {
            o.BotToken = discord.BotToken;
            o.ApplicationId = discord.ApplicationId;
            o.ApiBaseUrl = discord.ApiBaseUrl;
            configure?.Invoke(o);
        });
        services.AddDiscordApi();
        return new DiscordApiTestKit(discord, services.BuildServiceProvider(), logs, clock);
    }

    /// <summary>A message body as the bot sends them: content and suppressed mentions.</summary>
    public static JsonObject Message(string content) => new() { ["content"] = content, ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() } };

    /// <summary>
    /// Moves the fake clock in <paramref name="step"/>s until <paramref name="task"/> ends, so waits pass without real
    /// waiting. Bounded: at most <paramref name="maxSteps"/> steps, then the task must end within 30 s of real time.
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

    /// <summary>A raw request to the fake, with the bot's headers unless told otherwise (for the fake's own rules).</summary>
    public async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> RawAsync(HttpMethod method, string path, JsonNode? body,
        bool authorize = true, string? userAgent = Discord_UserAgent)
    {
        using var http = new HttpClient { BaseAddress = Discord.ApiBaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        if (authorize) request.Headers.Authorization = new AuthenticationHeaderValue("Bot", Discord.BotToken);
        if (userAgent is not null) request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            if (text.Length > 0) json = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON (an injected failure); the status says enough.
        }
        return ((int)response.StatusCode, json, response);
    }

    private const string Discord_UserAgent = DiscordApiSetup.UserAgent;

    public static JsonNode Fixture(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)))!;

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Discord.DisposeAsync();
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
