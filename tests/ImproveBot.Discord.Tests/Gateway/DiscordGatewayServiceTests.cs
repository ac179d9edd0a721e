using System.Collections.Concurrent;
using ImproveBot.Discord.Gateway;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Tests.Gateway;

/// <summary><see cref="GatewaySetup.AddDiscordGateway"/> in a real generic host, against the fake Gateway.</summary>
public sealed class DiscordGatewayServiceTests
{
    [Fact]
    public async Task Host_RunsTheGateway_HandsEachDmToAFreshScope_AndClosesWith1000OnStop()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        var sink = new ScopedHandlerSink();
        using var host = BuildHost(gateway, sink, gateway.BotToken);

        await host.StartAsync();
        var client = host.Services.GetRequiredService<DiscordGatewayClient>();
        await gateway.WaitForAsync(() => client.Status == GatewayStatus.Ready && gateway.SessionConnected, "the Gateway to be ready");
        await gateway.SendMessageCreateAsync("3300000000000000001", "2200000000000000001", "first");
        await gateway.SendMessageCreateAsync("3300000000000000002", "2200000000000000001", "second");
        await gateway.WaitForAsync(() => sink.Handled.Count == 2, "both DMs to be handled");
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15))) await host.StopAsync(stop.Token);

        Assert.Equal(new[] { "first", "second" }, sink.Handled.Select(h => h.Message.Content).Order());
        Assert.Equal(2, sink.Handled.Select(h => h.HandlerInstance).Distinct().Count()); // one scope (and handler) per DM
        Assert.Equal(2, sink.Disposed); // and each scope was disposed
        Assert.Equal(1000, gateway.Connections.Single().ClientCloseStatus);
        Assert.Equal(GatewayStatus.Stopped, client.Status);
    }

    [Fact]
    public async Task FatalGateway_StopsAlone_AndTheHostKeepsRunning()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        var logs = new CapturingLoggerProvider();
        using var host = BuildHost(gateway, new ScopedHandlerSink(), "not-the-token", logs);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await host.StartAsync();
        var client = host.Services.GetRequiredService<DiscordGatewayClient>();
        await gateway.WaitForAsync(() => client.Status == GatewayStatus.Failed, "the Gateway to give up");
        await gateway.WaitForAsync(() => logs.Entries.Any(e => e.Category.EndsWith(nameof(DiscordGatewayService), StringComparison.Ordinal)), "the service to log");

        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(1, gateway.ConnectionsOpened);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Text.Contains("restarted", StringComparison.Ordinal));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await host.StopAsync(stop.Token);
    }

    [Fact]
    public void AddDiscordGateway_WithoutAnIdentity_UsesTheBotTokenAndTheDirectMessagesIntent()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<DiscordOptions>(o => o.BotToken = "token-from-options");
        services.AddSingleton<IGatewayUrlSource>(new CountingUrlSource(new Uri("ws://127.0.0.1:9/"), 0));
        services.AddDiscordGateway();
        using var provider = services.BuildServiceProvider();

        var identity = provider.GetRequiredService<GatewayIdentity>();

        Assert.True(identity.BotToken == "token-from-options", "the identity uses Discord:BotToken");
        Assert.Equal(GatewayIntents.DirectMessages, identity.Intents);
        Assert.NotNull(provider.GetRequiredService<DiscordGatewayClient>());
    }

    [Fact]
    public void AddDiscordGateway_Twice_RegistersOneHostedService()
    {
        var services = new ServiceCollection();
        services.AddDiscordGateway();
        services.AddDiscordGateway();

        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(DiscordGatewayService));
    }

    private static IHost BuildHost(FakeDiscordGateway gateway, ScopedHandlerSink sink, string token, CapturingLoggerProvider? logs = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        if (logs is not null) builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.Services.AddSingleton(GatewayTestKit.FastSettings());
        builder.Services.AddSingleton(new GatewayIdentity(token, GatewayIntents.DirectMessages));
        builder.Services.AddSingleton<IGatewayUrlSource>(new CountingUrlSource(gateway.Url, 0));
        builder.Services.AddSingleton(sink);
        builder.Services.AddScoped<IDiscordDirectMessageHandler, ScopedRecordingHandler>();
        builder.Services.AddDiscordGateway();
        return builder.Build();
    }

    /// <summary>What the scoped handlers saw, shared across scopes.</summary>
    private sealed class ScopedHandlerSink
    {
        private int _disposed;
        public ConcurrentQueue<(DiscordDirectMessage Message, Guid HandlerInstance)> Handled { get; } = new();
        public int Disposed => Volatile.Read(ref _disposed);
        public void CountDisposal() => Interlocked.Increment(ref _disposed);
    }

    private sealed class ScopedRecordingHandler(ScopedHandlerSink sink) : IDiscordDirectMessageHandler, IDisposable
    {
        private readonly Guid _instance = Guid.NewGuid();

        public Task HandleAsync(DiscordDirectMessage message, CancellationToken cancellationToken)
        {
            sink.Handled.Enqueue((message, _instance));
            return Task.CompletedTask;
        }

        public void Dispose() => sink.CountDisposal();
    }
}
