using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImproveBot.Discord.Api;

/// <summary>Registers the Discord REST client.</summary>
internal static class DiscordApiSetup
{
    /// <summary>The named HttpClient every Discord REST call (bot routes and interaction webhooks) goes through.</summary>
    public const string HttpClientName = "ImproveBot.Discord";

    /// <summary>
    /// <c>DiscordBot ($url, $versionNumber)</c>, the form Discord requires (protocol §3); without it Cloudflare may
    /// block the request.
    /// </summary>
    public const string UserAgent = "DiscordBot (https://github.com/improvebot/improvebot, 1.0)";

    // Discord's answers are a few kB; a bulk command overwrite echo is the largest. Anything near this is not Discord.
    private const int MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Adds <see cref="IDiscordApi"/> (a singleton <see cref="DiscordApiClient"/>), its named HttpClient, the shared
    /// buckets and, unless registered before, <see cref="TimeProvider.System"/> and the default <see cref="DiscordApiPolicy"/>.
    /// Reads <c>IOptions&lt;DiscordOptions&gt;</c>; binding that section is the host's job.
    /// </summary>
    public static IServiceCollection AddDiscordApi(this IServiceCollection services)
    {
        services.AddOptions<DiscordOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DiscordApiPolicy
        {
            AttemptTimeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DiscordOptions>>().Value.RequestTimeout,
        });
        services.TryAddSingleton<DiscordRateLimits>();

        services.AddHttpClient(HttpClientName, http =>
            {
                // The client applies DiscordApiPolicy.AttemptTimeout per attempt; a second, whole-call timeout here
                // would cut retries short in ways the policy does not show.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.MaxResponseContentBufferSize = MaxResponseBytes;
                http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Discord's API does not redirect; following one could carry the bot token somewhere else.
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })
            // The factory's default loggers write every request URI at Information level, and a webhook URI holds an
            // interaction token (anyone with it can answer as the bot for 15 minutes). The client logs route templates.
            .RemoveAllLoggers();

        services.TryAddSingleton<IDiscordApi, DiscordApiClient>();
        return services;
    }
}
