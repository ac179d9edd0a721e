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
        await using var host = await BotTestHost.StartAsync(Now, new Dictionary<string, string?> { ["Slack:BotToken"] = "xoxb-test" });
        var response = await host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/ideas" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task PlaygroundCanBeForcedOnBesideAPlatform()
    {
        await using var host = await BotTestHost.StartAsync(Now,
            new Dictionary<string, string?> { ["Slack:BotToken"] = "xoxb-test", ["Local:Enabled"] = "true" });
        var response = await host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/ideas" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
