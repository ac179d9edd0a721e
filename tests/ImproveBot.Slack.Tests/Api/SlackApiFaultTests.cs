using ImproveBot.Slack.Api;
using ImproveBot.Testing.Faults;
using ImproveBot.Testing.FakeSlack;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>The Web API client against the fake's random faults: it rides over them, and never posts a message twice itself.</summary>
public sealed class SlackApiFaultTests
{
    private static readonly SlackApiPolicy Patient = SlackApiTestKit.QuickPolicy with { AttemptTimeout = TimeSpan.FromSeconds(1), MaxTransientRetries = 3 };

    [Theory]
    [InlineData(FaultKinds.ServerError)]
    [InlineData(FaultKinds.ConnectionReset)]
    [InlineData(FaultKinds.HalfWritten)]
    [InlineData(FaultKinds.Timeout)]
    public async Task A_post_whose_answer_is_lost_after_slack_posted_it_is_not_posted_again_by_the_client(FaultKinds kind)
    {
        await using var kit = await SlackApiTestKit.StartAsync(Patient, faults: new FaultOptions
        {
            Rate = 1, Kinds = kind, AppliedShare = 1, Hold = TimeSpan.FromSeconds(10), Methods = [SlackMethods.ChatPostMessage],
        });
        kit.Slack.AddChannel("C1");
        // A warm connection pool, as in a fan-out: HttpClient may resend on a reused connection by itself.
        await kit.Api.AuthTestAsync(CancellationToken.None);
        await kit.Api.AuthTestAsync(CancellationToken.None);

        var ex = await Record.ExceptionAsync(() => kit.Api.PostMessageAsync("C1", "hello", null, null, null, CancellationToken.None));

        Assert.NotNull(ex);
        Assert.False(ex is SlackApiException { IsTransient: false }, $"a lost answer must stay retryable for the outbox: {ex}");
        Assert.Single(kit.Slack.PostedMessages);
        Assert.Equal(1, kit.Slack.CallCount(SlackMethods.ChatPostMessage));
    }
}
