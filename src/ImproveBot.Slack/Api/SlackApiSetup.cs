using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImproveBot.Slack.Api;

/// <summary>Registers the Slack Web API client.</summary>
internal static class SlackApiSetup
{
    /// <summary>The named HttpClient every Slack call (Web API and response_url) goes through.</summary>
    public const string HttpClientName = "ImproveBot.Slack";

    // Slack's answers are a few kB; a users.info or a views.open echo is the largest. Anything near this is not Slack.
    private const int MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Adds <see cref="ISlackApi"/> (a singleton <see cref="SlackApiClient"/>), its named HttpClient, the shared
    /// client-side rate limits and, unless registered before, <see cref="TimeProvider.System"/> and the default
    /// <see cref="SlackApiPolicy"/>. Reads <c>IOptions&lt;SlackOptions&gt;</c>; binding that section is the host's job.
    /// </summary>
    public static IServiceCollection AddSlackApi(this IServiceCollection services)
    {
        services.AddOptions<SlackOptions>();
        services.TryAddSingleton(TimeProvider.System);
        // A policy registered before (tests) wins; otherwise the defaults, time-scaled only for load tests.
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SlackOptions>>().Value;
            return SlackApiPolicy.Scaled(options.RateLimitScale) with { AttemptTimeout = options.RequestTimeout };
        });
        services.TryAddSingleton<SlackRateLimits>();

        services.AddHttpClient(HttpClientName, http =>
            {
                // The client applies SlackApiPolicy.AttemptTimeout per attempt; a second, whole-call timeout here
                // would cut retries short in ways the policy does not show.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.MaxResponseContentBufferSize = MaxResponseBytes;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("ImproveBot/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Slack's API does not redirect; a response_url that did could send our message somewhere else.
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })
            // The factory's default loggers write every request URI at Information level, and a response_url
            // is a credential (anyone holding it can post as the bot for 30 minutes). The client logs the
            // method name instead.
            .RemoveAllLoggers();

        services.TryAddSingleton<ISlackApi, SlackApiClient>();
        return services;
    }
}
