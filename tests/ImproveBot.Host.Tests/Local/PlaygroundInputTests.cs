using System.Net;
using System.Text;
using System.Text.Json;
using ImproveBot.Testing;

namespace ImproveBot.Host.Tests.Local;

/// <summary>Malformed requests to the playground get a clear 4xx, never a 500, and store nothing.</summary>
public sealed class PlaygroundInputTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string path, string body, string contentType = "application/json")
    {
        var response = await _host.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Theory]
    [InlineData("/local/command", "not json", HttpStatusCode.BadRequest)]
    [InlineData("/local/command", "{\"user\":", HttpStatusCode.BadRequest)]
    [InlineData("/local/command", "{\"user\":42,\"text\":\"/ideas\"}", HttpStatusCode.BadRequest)]
    [InlineData("/local/command", "null", HttpStatusCode.BadRequest)]
    [InlineData("/local/command", "{\"text\":\"/ideas\"}", HttpStatusCode.BadRequest)]
    [InlineData("/local/command", "{\"user\":\"<script>\",\"text\":\"/ideas\"}", HttpStatusCode.BadRequest)]
    [InlineData("/local/command", "{\"user\":\"ada\"}", HttpStatusCode.BadRequest)]
    [InlineData("/local/answer", "[1,2,3]", HttpStatusCode.BadRequest)]
    [InlineData("/local/action", "{\"user\":\"ada\"}", HttpStatusCode.BadRequest)]
    [InlineData("/local/action", "{\"user\":\"ada\",\"action\":\"reflect:start:abc\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/local/action", "{\"user\":\"ada\",\"action\":\"reflect:start:999\"}", HttpStatusCode.OK)]
    public async Task MalformedBodies_GetAClearClientError(string path, string body, HttpStatusCode expected)
    {
        var (status, json) = await PostRawAsync(path, body);
        Assert.Equal(expected, status);
        Assert.True(json.TryGetProperty("error", out _) || json.TryGetProperty("text", out _), json.ToString());
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var (status, json) = await PostRawAsync("/local/command", "user=ada&text=/ideas", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/json", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task OversizedBody_IsRefused_AndNothingIsStored()
    {
        var huge = JsonSerializer.Serialize(new { user = "ada", text = "/idea " + new string('a', 2 * 1024 * 1024) });
        var response = await _host.Http.PostAsync("/local/command", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        var mine = await _host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/ideas mine" });
        Assert.Contains("no ideas", (await mine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HundredThousandCharacterIdea_GetsTheLengthHint()
    {
        var response = await _host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/idea " + new string('a', 100_000) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("2,000", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task UnknownJobAndBadInboxUser_Are4xx()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.PostAsync("/local/jobs/nap/run", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Http.GetAsync("/local/inbox/%3Cscript%3E")).StatusCode);
    }

    [Fact]
    public async Task PlaygroundPage_IsServed()
    {
        var page = await _host.Http.GetStringAsync("/");
        Assert.Contains("ImproveBot playground", page);
        Assert.DoesNotContain("innerHTML", page); // user text is only ever inserted as text
    }
}
