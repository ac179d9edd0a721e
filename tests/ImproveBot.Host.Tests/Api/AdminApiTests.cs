using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImproveBot.Host.Api;
using ImproveBot.Testing;

namespace ImproveBot.Host.Tests.Api;

public sealed class AdminApiTests : IAsyncLifetime
{
    private const string Token = "test-admin-token-0123456789";
    private BotTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero),
            new Dictionary<string, string?> { ["Api:AdminToken"] = Token });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SeedAsync()
    {
        foreach (var (user, text) in new[]
                 {
                     ("ada", "/idea read with a question first #reading"),
                     ("ada", "/idea worry list --private"),
                     ("bob", "/idea ask for feedback early #feedback --anon"),
                 })
        {
            (await _host.Http.PostAsJsonAsync("/local/command", new { user, text })).EnsureSuccessStatusCode();
        }
    }

    private async Task<HttpResponseMessage> GetIdeasAsync(string query, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ideas" + query);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _host.Http.SendAsync(request);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-wrong-token")]
    [InlineData("test-admin-token-012345678")] // a prefix of the real one
    public async Task WithoutTheRightToken_Is401(string? token)
    {
        var response = await GetIdeasAsync("", token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ListsTeamIdeas_NeverPrivate_AnonymousWithoutAuthor()
    {
        await SeedAsync();
        var response = await GetIdeasAsync("", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ideas = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();

        Assert.Equal(2, ideas.Count);
        Assert.DoesNotContain(ideas, i => i.GetProperty("text").GetString()!.Contains("worry"));
        var anonymous = ideas.Single(i => i.GetProperty("visibility").GetString() == "anonymous");
        Assert.Equal(JsonValueKind.Null, anonymous.GetProperty("author").ValueKind);
        var named = ideas.Single(i => i.GetProperty("visibility").GetString() == "team");
        Assert.Equal("ada", named.GetProperty("author").GetString());
        Assert.Equal(["reading"], named.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("in-flow", named.GetProperty("source").GetString());
        Assert.Equal("new", named.GetProperty("status").GetString());
        Assert.Equal(0, named.GetProperty("votes").GetInt32());
        Assert.True(named.TryGetProperty("createdAt", out _));
    }

    [Theory]
    [InlineData("?tag=reading", 1)]
    [InlineData("?tag=feedback", 1)]
    [InlineData("?author=ada", 1)]
    [InlineData("?author=bob", 0)] // bob's only idea is anonymous
    [InlineData("?status=new&source=in-flow", 2)]
    [InlineData("?status=adopted", 0)]
    [InlineData("?source=reflection", 0)]
    public async Task Filters(string query, int expected)
    {
        await SeedAsync();
        var response = await GetIdeasAsync(query, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
    }

    [Theory]
    [InlineData("?status=finished")]
    [InlineData("?source=dream")]
    [InlineData("?limit=0")]
    public async Task BadFilters_Are400WithAMessage(string query)
    {
        var response = await GetIdeasAsync(query, Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("error", out _));
    }

    [Fact]
    public void TokenComparison_RejectsWrongSchemeAndCase()
    {
        Assert.True(AdminApiEndpoints.IsAuthorized($"Bearer {Token}", Token));
        Assert.False(AdminApiEndpoints.IsAuthorized($"Basic {Token}", Token));
        Assert.False(AdminApiEndpoints.IsAuthorized(Token, Token));
        Assert.False(AdminApiEndpoints.IsAuthorized($"Bearer {Token.ToUpperInvariant()}", Token));
        Assert.False(AdminApiEndpoints.IsAuthorized("", Token));
    }
}

public sealed class AdminApiDisabledTests
{
    [Fact]
    public async Task WithoutAConfiguredToken_TheApiDoesNotExist()
    {
        await using var host = await BotTestHost.StartAsync(DateTimeOffset.UnixEpoch.AddYears(56));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ideas");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.SendAsync(request)).StatusCode);
    }
}
