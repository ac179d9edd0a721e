using ImproveBot.Core.Messaging;
using ImproveBot.Slack.Api;
using ImproveBot.Slack.Http;
using ImproveBot.Slack.Inbound;
using ImproveBot.Slack.Signing;
using ImproveBot.Slack.SocketMode;
using ImproveBot.Slack.Users;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Slack;

/// <summary>Registers the Slack adapter when <c>Slack:BotToken</c> is set: Web API client, HTTP endpoints, Socket Mode, the platform.</summary>
internal static class SlackSetup
{
    public static bool IsEnabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["Slack:BotToken"]);

    public static IServiceCollection AddSlackAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (!IsEnabled(configuration)) return services;

        services.AddSlackApi();
        services.AddSingleton<SlackSignatureVerifier>();
        services.AddSingleton<SlackUserDirectory>();
        services.AddSingleton<SlackBotIdentity>();
        services.AddScoped<SlackInbound>();
        services.AddScoped<ISlackInbound, SlackInboundEntry>();
        services.AddSingleton<IChatPlatform, SlackChatPlatform>();
        if (!string.IsNullOrWhiteSpace(configuration["Slack:AppToken"]))
        {
            services.AddSingleton<ISocketConnector, ClientWebSocketConnector>();
            services.AddSingleton<SlackSocketModeService>();
            services.AddHostedService(sp => sp.GetRequiredService<SlackSocketModeService>());
        }
        return services;
    }

    /// <summary>Maps <c>/slack/*</c> when the adapter is on; requests are refused without a signing secret.</summary>
    public static IEndpointRouteBuilder MapSlackAdapter(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (IsEnabled(configuration)) app.MapSlackEndpoints();
        return app;
    }
}
