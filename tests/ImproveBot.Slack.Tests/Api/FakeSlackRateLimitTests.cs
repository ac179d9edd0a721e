using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ImproveBot.Testing.FakeSlack;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Slack.Tests.Api;

/// <summary>The fake Slack enforcing Slack's budgets itself (for the fan-out benchmark), time-scaled.</summary>
public sealed class FakeSlackRateLimitTests
{
    private static async Task<HttpResponseMessage> OpenDmAsync(HttpClient http, FakeSlackServer slack, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(slack.ApiBaseUrl, "conversations.open"))
        {
            Content = new StringContent(new JsonObject { ["users"] = user }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", slack.BotToken);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Tier3Budget_ScaledBy60_Is50PerSecond_Then429WithRetryAfter()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        await using var slack = await FakeSlackServer.StartAsync(new FakeSlackOptions { Time = clock, EnforceRateLimits = 60 });
        for (var i = 0; i < 60; i++) slack.AddUser(new FakeSlackUser($"U{i}", $"user{i}", "UTC"));
        using var http = new HttpClient();

        for (var i = 0; i < 50; i++)
        {
            using var ok = await OpenDmAsync(http, slack, $"U{i}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var limited = await OpenDmAsync(http, slack, "U50"))
        {
            Assert.Equal((HttpStatusCode)429, limited.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        using var again = await OpenDmAsync(http, slack, "U50");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(51, slack.DirectMessageChannels.Count); // the refused call opened nothing
    }

    [Fact]
    public async Task WithoutEnforcement_NothingIsLimited()
    {
        await using var slack = await FakeSlackServer.StartAsync();
        for (var i = 0; i < 60; i++) slack.AddUser(new FakeSlackUser($"U{i}", $"user{i}", "UTC"));
        using var http = new HttpClient();
        for (var i = 0; i < 60; i++)
        {
            using var ok = await OpenDmAsync(http, slack, $"U{i}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
    }
}
