using System.Net;
using System.Net.Http.Headers;
using ImproveBot.Data;
using ImproveBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Fuzz;

/// <summary>What the fuzz test found, each pinned down on its own: two 500s from concurrent runs, and reset connections after a 413.</summary>
public sealed class FuzzFindingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ConcurrentDigestNow_NeverFails_AndQueuesOneDigestPerInstant()
    {
        await using var host = await BotTestHost.StartAsync(Now);
        await host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/idea something to digest" });
        for (var round = 0; round < 10; round++)
        {
            // Several at one instant share the manual digest's key; only one may queue it, and none may fail.
            var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.Http.PostAsync("/local/jobs/digest/run", null)));
            Assert.All(runs, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            var lead = await host.Http.PostAsJsonAsync("/local/command", new { user = "lead", text = "/improve digest now" });
            Assert.Equal(HttpStatusCode.OK, lead.StatusCode);
            host.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        var digests = await host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Outbox.CountAsync(o => o.Key.StartsWith("digest:")));
        Assert.Equal(10, digests);
    }

    [Fact]
    public async Task ConcurrentFollowUpRuns_NeverFail_AndQueueEveryAskTheyRecord()
    {
        await using var host = await BotTestHost.StartAsync(Now);
        for (var i = 0; i < 20; i++)
            await host.Http.PostAsJsonAsync("/local/command", new { user = i % 2 == 0 ? "ada" : "bob", text = $"/idea idea number {i} about reading" });
        host.Clock.Advance(TimeSpan.FromDays(15));

        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.Http.PostAsync("/local/jobs/followup/run", null)));
        Assert.All(runs, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // Whatever the interleaving: every idea was asked, and an idea counts as asked exactly as often as its message was queued.
        var (ideas, asks, queued) = await host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            var counts = await db.Ideas.Select(i => i.FollowUpCount).ToListAsync();
            return (counts, counts.Sum(), await db.Outbox.CountAsync(o => o.Key.StartsWith("followup:")));
        });
        Assert.All(ideas, count => Assert.InRange(count, 1, 3));
        Assert.Equal(asks, queued);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/respond/unreachable")] // nothing listens: retried with backoff on the bot's clock
    [InlineData("ftp://evil.example/respond")] // refused by the client (an ArgumentException, once a 500)
    [InlineData("not a url")]
    public async Task ButtonWithAnUnusableResponseUrl_IsAcknowledgedAtOnce(string responseUrl)
    {
        await using var rig = await FuzzRig.StartAsync();
        var payload = new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new System.Text.Json.Nodes.JsonObject { ["id"] = FuzzRig.SlackAda, ["team_id"] = rig.Slack.TeamId },
            ["team"] = new System.Text.Json.Nodes.JsonObject { ["id"] = rig.Slack.TeamId },
            ["response_url"] = responseUrl,
            ["actions"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["action_id"] = "idea:vote:1", ["type"] = "button" }),
        };
        var body = System.Text.Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        var timestamp = FuzzRig.Seconds(rig.Now);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/interactions") { Content = content };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", FuzzRig.SlackSignature(FuzzRig.SigningSecret, timestamp, body));
        // The clock stands still, so a response_url retried before the ack would hold it forever: bounded here to say so.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await rig.Host.Http.SendAsync(request, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/slack/commands", "application/x-www-form-urlencoded")]
    [InlineData("/discord/interactions", "application/json")]
    public async Task OversizedPlatformBody_Is413_WithConnectionClose(string path, string contentType)
    {
        await using var rig = await FuzzRig.StartAsync();
        using var content = new ByteArrayContent(new byte[1024 * 1024 + 1]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await rig.Host.Http.PostAsync(path, content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        // The unread rest of the body ends the connection; saying so keeps the client from reusing it for its next request.
        Assert.True(response.Headers.ConnectionClose, "413 without Connection: close");
        Assert.Equal(HttpStatusCode.OK, (await rig.Host.Http.GetAsync("/healthz")).StatusCode);
    }
}
