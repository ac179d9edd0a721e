using System.Net.Http.Headers;
using System.Text.Json;
using ImproveBot.Testing;

namespace ImproveBot.Host.Tests.Privacy;

/// <summary>
/// Private ideas and reflection answers never reach anyone but their author, end to end: not through <c>/ideas</c>,
/// votes or status changes, the admin API, the digest in the team channel, or someone else's export.
/// </summary>
public sealed class PrivateStaysWithItsAuthorTests : IAsyncLifetime
{
    private const string Token = "test-admin-token-privacy-0123";
    private const string PrivateMark = "zqprivatemark";
    private const string AnswerMark = "zqanswermark";
    private BotTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero),
            new Dictionary<string, string?> { ["Api:AdminToken"] = Token });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> CommandAsync(string user, string text)
    {
        var response = await _host.Http.PostAsJsonAsync("/local/command", new { user, text });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!;
    }

    private async Task PostAsync(string path, object? body = null) =>
        (await _host.Http.PostAsJsonAsync(path, body ?? new { })).EnsureSuccessStatusCode();

    [Fact]
    public async Task PrivateIdeasAndReflectionAnswers_AreSeenByTheirAuthorOnly()
    {
        await PostAsync("/local/jobs/prompt/run");
        var saved = await CommandAsync("ada", $"/idea {PrivateMark} ask my advisor about scope --private #reading");
        var privateId = System.Text.RegularExpressions.Regex.Match(saved, @"#(\d+)").Groups[1].Value;
        await CommandAsync("ada", "/idea zqteammark outline before writing #writing");
        await PostAsync("/local/answer", new { user = "ada", answers = new[] { $"{AnswerMark} stuck on proofs" }, ideas = Array.Empty<string>() });
        await CommandAsync("bob", "/idea zqbobmark pair on reviews");

        // Ada sees her own private idea.
        Assert.Contains(PrivateMark, await CommandAsync("ada", "/ideas mine"));

        // Bob sees it nowhere, and cannot act on it by number.
        foreach (var text in new[] { "/ideas", "/ideas team", $"/ideas {PrivateMark}", "/ideas #reading", "/ideas mine" })
            Assert.DoesNotContain(PrivateMark, await CommandAsync("bob", text));
        Assert.Contains("zqteammark", await CommandAsync("bob", "/ideas"));
        Assert.StartsWith("There is no team idea", await CommandAsync("bob", $"/improve vote {privateId}"));
        Assert.StartsWith("There is no idea", await CommandAsync("bob", $"/improve status {privateId} dropped"));
        Assert.StartsWith("There is no idea", await CommandAsync("lead", $"/improve status {privateId} dropped")); // not even an admin

        // The admin API.
        foreach (var query in new[] { "", "?author=ada", "?tag=reading", $"?q={PrivateMark}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ideas" + query);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var response = await _host.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(PrivateMark, body);
            Assert.DoesNotContain(AnswerMark, body);
        }

        // The digest the team reads: it has the team idea and a reflection count, never the private idea or an answer.
        await CommandAsync("lead", "/improve config channel team");
        await CommandAsync("lead", "/improve digest now");
        await PostAsync("/local/jobs/dispatch/run");
        var channel = string.Join("\n", _host.Channel().Select(m => m.Text));
        Assert.Contains("zqteammark", channel);
        Assert.DoesNotContain(PrivateMark, channel);
        Assert.DoesNotContain(AnswerMark, channel);

        // Exports go to their owner only.
        Assert.Contains("on its way", await CommandAsync("ada", "/improve export"));
        Assert.Contains("on its way", await CommandAsync("bob", "/improve export"));
        await PostAsync("/local/jobs/dispatch/run");
        var adaExport = string.Concat(_host.Inbox("ada").Where(m => m.Kind == "export").Select(m => m.Text));
        var bobExport = string.Concat(_host.Inbox("bob").Where(m => m.Kind == "export").Select(m => m.Text));
        Assert.Contains(PrivateMark, adaExport);
        Assert.Contains(AnswerMark, adaExport);
        Assert.Contains("zqbobmark", bobExport);
        Assert.DoesNotContain(PrivateMark, bobExport);
        Assert.DoesNotContain(AnswerMark, bobExport);
        Assert.DoesNotContain("zqteammark", bobExport);
    }
}
