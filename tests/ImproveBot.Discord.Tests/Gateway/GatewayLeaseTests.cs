using ImproveBot.Core.Cluster;
using ImproveBot.Discord.Gateway;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImproveBot.Discord.Tests.Gateway;

/// <summary>Several instances of the bot share one Gateway session: only the lease holder connects.</summary>
public sealed class GatewayLeaseTests
{
    /// <summary>One holder at a time across instances, as the database lease guarantees.</summary>
    private sealed class OneWinnerLease : ISingletonLease
    {
        private readonly object _gate = new();
        private object? _holder;

        public ISingletonLease For(object instance) => new Handle(this, instance);

        public Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct) => throw new NotSupportedException();

        public Task ReleaseAsync(string name, CancellationToken ct) => throw new NotSupportedException();

        private sealed class Handle(OneWinnerLease lease, object instance) : ISingletonLease
        {
            public Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct)
            {
                lock (lease._gate)
                {
                    lease._holder ??= instance;
                    return Task.FromResult(ReferenceEquals(lease._holder, instance));
                }
            }

            public Task ReleaseAsync(string name, CancellationToken ct)
            {
                lock (lease._gate) if (ReferenceEquals(lease._holder, instance)) lease._holder = null;
                return Task.CompletedTask;
            }
        }
    }

    private sealed class Urls(Uri url) : IGatewayUrlSource
    {
        public Task<Uri> GetGatewayUrlAsync(CancellationToken cancellationToken) => Task.FromResult(url);
    }

    private sealed class Ignore : IDiscordDirectMessageHandler
    {
        public Task HandleAsync(DiscordDirectMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static IHost Instance(FakeDiscordGateway gateway, ISingletonLease lease)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new GatewayIdentity(gateway.BotToken, GatewayIntents.DirectMessages));
        builder.Services.AddSingleton<IGatewayUrlSource>(new Urls(gateway.Url));
        builder.Services.AddScoped<IDiscordDirectMessageHandler, Ignore>();
        builder.Services.AddSingleton(lease);
        builder.Services.AddDiscordGateway();
        return builder.Build();
    }

    [Fact]
    public async Task TwoInstances_OnlyTheLeaseHolderConnects_AndTheOtherTakesOverWhenItStops()
    {
        await using var gateway = await FakeDiscordGateway.StartAsync();
        var lease = new OneWinnerLease();
        using var first = Instance(gateway, lease.For("first"));
        using var second = Instance(gateway, lease.For("second"));

        await first.StartAsync();
        await gateway.WaitForAsync(() => gateway.Identifies.Count == 1, "the first instance to identify");
        await second.StartAsync();
        await Task.Delay(300); // the second instance is running and competing, but must not connect
        Assert.Equal(1, gateway.ConnectionsOpened);

        // The holder stops (a rolling update): it releases the lease, and the other instance connects within a retry.
        await first.StopAsync();
        await gateway.WaitForAsync(() => gateway.Identifies.Count == 2, "the second instance to take over", TimeSpan.FromSeconds(20));
        Assert.Equal(1, gateway.LiveConnectionCount);
        await second.StopAsync();
    }
}
