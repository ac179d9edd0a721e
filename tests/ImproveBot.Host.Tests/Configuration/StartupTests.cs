using System.Net;
using ImproveBot.Testing;
using Microsoft.Extensions.Options;

namespace ImproveBot.Host.Tests.Configuration;

public sealed class StartupTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Teams:TimeZone", "Mars/Olympus_Mons", "Teams:TimeZone")]
    [InlineData("Teams:ReflectionWindow", "10:00:00", "Teams:ReflectionWindow")]
    [InlineData("Api:AdminToken", "short", "Api:AdminToken")]
    [InlineData("Database:Provider", "Oracle", "Database:Provider")]
    [InlineData("Scheduling:SweepInterval", "00:00:01", "Scheduling:SweepInterval")]
    [InlineData("Teams:FollowUpDelay", "-1.00:00:00", "Teams:FollowUpDelay")]
    [InlineData("FollowUps:WorkEnd", "08:00", "FollowUps:WorkEnd")]
    [InlineData("Slack:BotToken", "not-a-bot-token", "Slack:BotToken")]
    public async Task BadSetting_StopsStartUp_WithAMessageNamingTheKey(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            BotTestHost.StartAsync(Now, new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task Postgres_WithoutConnectionString_StopsStartUp_WithAClearMessage()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BotTestHost.StartAsync(Now, new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:ImproveBot"] = "" }));
        Assert.Contains("ConnectionStrings:ImproveBot", error.Message);
    }

    [Fact]
    public async Task HealthAndReadiness_AreOk_OnceStarted()
    {
        await using var host = await BotTestHost.StartAsync(Now);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/healthz")).StatusCode);
        var ready = await host.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithAChatPlatformConfigured_ThePlaygroundIsOff()
    {
        await using var host = await BotTestHost.StartAsync(Now, new Dictionary<string, string?> { ["Slack:BotToken"] = "xoxb-test", ["Slack:SigningSecret"] = "test-secret" });
        var response = await host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/ideas" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task ConfiguredPlaygroundAdmins_ReplaceTheDefault()
    {
        await using var host = await BotTestHost.StartAsync(Now, new Dictionary<string, string?> { ["Local:Admins:0"] = "alice" });
        async Task<string> ConfigureAs(string user)
        {
            var response = await host.Http.PostAsJsonAsync("/local/command", new { user, text = "/improve config reminder 2h" });
            return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("text").GetString()!;
        }
        Assert.Contains("Only team admins", await ConfigureAs("lead"));
        Assert.Contains("2 hours", await ConfigureAs("alice"));
    }

    [Fact]
    public async Task PlaygroundCanBeForcedOnBesideAPlatform()
    {
        await using var host = await BotTestHost.StartAsync(Now,
            new Dictionary<string, string?> { ["Slack:BotToken"] = "xoxb-test", ["Slack:SigningSecret"] = "test-secret", ["Local:Enabled"] = "true" });
        var response = await host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/ideas" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
