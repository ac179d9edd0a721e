using ImproveBot.Core.Messaging;
using ImproveBot.Discord.Api;
using ImproveBot.Discord.Commands;
using ImproveBot.Discord.Gateway;
using ImproveBot.Discord.Http;
using ImproveBot.Discord.Inbound;
using ImproveBot.Discord.Signing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImproveBot.Discord;

/// <summary>
/// Registers the Discord adapter when <c>Discord:BotToken</c> is set: REST client, interactions endpoint, the platform,
/// command registration and, with <c>Discord:UseGateway</c>, what the Gateway client needs.
/// </summary>
internal static class DiscordSetup
{
    /// <summary>DIRECT_MESSAGES (1 &lt;&lt; 12) | MESSAGE_CONTENT (1 &lt;&lt; 15): the DMs people send the bot, with their text.</summary>
    public const int GatewayIntents = (1 << 12) | (1 << 15);

    public static bool IsEnabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["Discord:BotToken"]);

    public static IServiceCollection AddDiscordAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DiscordOptions>().BindConfiguration(DiscordOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (!IsEnabled(configuration)) return services;

        services.AddDiscordApi();
        services.AddSingleton<DiscordSignatureVerifier>();
        services.AddSingleton<DiscordGuildDirectory>();
        services.AddSingleton<DiscordFormDrafts>();
        services.AddScoped<DiscordInbound>();
        services.AddSingleton<IDiscordInbound, DiscordInboundEntry>();
        services.AddSingleton<IChatPlatform, DiscordChatPlatform>();
        services.AddSingleton<DiscordCommandRegistrar>();
        if (configuration.GetValue<bool>("Discord:UseGateway"))
        {
            // The Gateway client, and what it calls: the URL from REST, and the handler that stores DM replies.
            services.AddSingleton<IGatewayUrlSource, RestGatewayUrlSource>();
            services.AddSingleton<IDiscordDirectMessageHandler, DiscordDirectMessageHandler>();
            services.AddSingleton(sp => new GatewayIdentity(sp.GetRequiredService<IOptions<DiscordOptions>>().Value.BotToken!, GatewayIntents));
            services.AddDiscordGateway();
        }
        return services;
    }

    /// <summary>Maps <c>POST /discord/interactions</c> when the adapter is on; requests are refused without a valid public key.</summary>
    public static IEndpointRouteBuilder MapDiscordAdapter(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (IsEnabled(configuration)) app.MapDiscordEndpoints();
        return app;
    }
}
