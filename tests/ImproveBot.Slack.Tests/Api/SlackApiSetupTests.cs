using ImproveBot.Slack.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Slack.Tests.Api;

public sealed class SlackApiSetupTests
{
    [Fact]
    public void AddSlackApi_registers_one_shared_client_and_keeps_what_the_host_registered_first()
    {
        var clock = new FakeTimeProvider();
        var policy = new SlackApiPolicy { MaxRateLimitRetries = 1 };
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(policy);

        services.AddSlackApi();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<SlackApiClient>(provider.GetRequiredService<ISlackApi>());
        Assert.Same(provider.GetRequiredService<ISlackApi>(), provider.GetRequiredService<ISlackApi>());
        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        Assert.Same(policy, provider.GetRequiredService<SlackApiPolicy>());
    }

    [Fact]
    public void AddSlackApi_on_its_own_falls_back_to_the_system_clock_and_default_policy()
    {
        var services = new ServiceCollection().AddLogging();

        services.AddSlackApi();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<ISlackApi>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Equal(new SlackApiPolicy().MaxInClientRetryAfter, provider.GetRequiredService<SlackApiPolicy>().MaxInClientRetryAfter);
    }
}
