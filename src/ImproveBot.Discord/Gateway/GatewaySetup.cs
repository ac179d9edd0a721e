using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImproveBot.Discord.Gateway;

/// <summary>Registers the Gateway connection (for <c>Discord:UseGateway=true</c>) as a hosted service.</summary>
internal static class GatewaySetup
{
    /// <summary>
    /// Adds the Gateway client and the hosted service that runs it. Needs an <see cref="IGatewayUrlSource"/> and an
    /// <see cref="IDiscordDirectMessageHandler"/> (scoped is fine: each DM gets its own scope). Without a registered
    /// <see cref="GatewayIdentity"/>, the bot token from <see cref="DiscordOptions"/> is used with the
    /// DIRECT_MESSAGES intent, the only one a DM bot needs (no privileged intent: DM content arrives without one).
    /// </summary>
    public static IServiceCollection AddDiscordGateway(this IServiceCollection services)
    {
        // Once only: a second hosted service would run the same client twice.
        if (services.Any(d => d.ServiceType == typeof(DiscordGatewayService))) return services;
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new GatewayClientSettings());
        services.TryAddSingleton<IGatewayConnector, ClientWebSocketGatewayConnector>();
        services.TryAddSingleton(sp =>
            new GatewayIdentity(sp.GetRequiredService<IOptions<DiscordOptions>>().Value.BotToken ?? "", GatewayIntents.DirectMessages));
        services.TryAddSingleton(sp => new DiscordGatewayClient(
            sp.GetRequiredService<IGatewayUrlSource>(),
            sp.GetRequiredService<IGatewayConnector>(),
            sp.GetRequiredService<GatewayIdentity>(),
            new ScopedDirectMessageHandler(sp.GetRequiredService<IServiceScopeFactory>()),
            sp.GetRequiredService<GatewayClientSettings>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DiscordGatewayClient>>()));
        services.TryAddSingleton<DiscordGatewayService>();
        services.AddHostedService(sp => sp.GetRequiredService<DiscordGatewayService>());
        return services;
    }
}
