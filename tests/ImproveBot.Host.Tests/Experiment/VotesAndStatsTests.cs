using System.Net;
using System.Text.Json;
using ImproveBot.Testing;

namespace ImproveBot.Host.Tests.Experiment;

/// <summary>Votes from every entry point, <c>/improve stats</c>, and the monthly experiment in the digest, end to end.</summary>
public sealed class VotesAndStatsTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    // Wednesday 2026-12-02: the coming round is Friday 2026-12-04, the first round of December.
    public async Task InitializeAsync() =>
        _host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> CommandAsync(string user, string text)
    {
        var response = await _host.Http.PostAsJsonAsync("/local/command", new { user, text });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<(HttpStatusCode Status, string Text)> PressAsync(string user, string action, object? values = null)
    {
        var response = await _host.Http.PostAsJsonAsync("/local/action", new { user, action, values });
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!);
    }

    [Fact]
    public async Task Votes_OnePerMember_FromCommandListButtonAndDigestButton()
    {
        await CommandAsync("ada", "/idea read with a question first #reading");
        await CommandAsync("ada", "/idea private plan --private");

        // /ideas offers +1 buttons for other people's open team ideas only.
        var list = await CommandAsync("bob", "/ideas");
        var buttons = list.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Equal(["idea:vote:1"], buttons);
        Assert.Equal(JsonValueKind.Null, (await CommandAsync("ada", "/ideas")).GetProperty("actions").ValueKind);

        Assert.StartsWith("+1 for #1 (1 vote)", (await PressAsync("bob", "idea:vote:1")).Text);
        Assert.StartsWith("You already voted", (await CommandAsync("bob", "/improve vote 1")).GetProperty("text").GetString());
        Assert.StartsWith("You already voted", (await PressAsync("bob", "idea:vote:1")).Text);
        Assert.Contains("your own idea", (await PressAsync("ada", "idea:vote:1")).Text);
        Assert.Contains("no team idea #2", (await CommandAsync("bob", "/improve vote 2")).GetProperty("text").GetString());

        // The digest carries +1 buttons too, and they count once per member like the others.
        await _host.Http.PostAsync("/local/jobs/digest/run", null);
        var digest = _host.Channel().Single();
        Assert.Contains(digest.Actions, a => a.Id == "idea:vote:1");
        Assert.DoesNotContain(digest.Actions, a => a.Id == "idea:vote:2");
        Assert.StartsWith("+1 for #1 (2 votes)", (await PressAsync("cat", "idea:vote:1")).Text);
        Assert.StartsWith("You already voted", (await PressAsync("cat", "idea:vote:1")).Text);
    }

    [Fact]
    public async Task Stats_CountOwnIdeasBySource_PrivateIncluded()
    {
        await CommandAsync("ada", "/idea read with a question first #reading");
        await CommandAsync("ada", "/idea a private note --private");
        var start = await CommandAsync("ada", "/improve reflect");
        var submit = start.GetProperty("form").GetProperty("submitActionId").GetString()!;
        _host.Clock.Advance(TimeSpan.FromMinutes(30));
        await PressAsync("ada", submit, new Dictionary<string, string> { ["q0"] = "focus", ["ideas"] = "one\ntwo\nthree" });
        await CommandAsync("bob", "/idea somebody else's idea");

        var stats = (await CommandAsync("ada", "/improve stats")).GetProperty("text").GetString()!;
        // 2 in-flow (one private), 3 from one 30-minute reflection: 3 / 0.5 h = 6.0 per hour; one reflection this round makes a streak of 1.
        Assert.Contains("Last 4 weeks: 2 in-flow ideas, 3 from 1 reflection (0.5 h, 6.0 ideas per hour).", stats);
        Assert.Contains("Last 12 weeks: 2 in-flow ideas, 3 from 1 reflection", stats);
        Assert.Contains("Reflection streak: 1 week.", stats);
    }

    [Fact]
    public async Task FirstDigestOfTheMonth_SaysHowTheExperimentIsGoing_WithoutPrivateIdeas()
    {
        (await _host.Http.PostAsync("/local/jobs/prompt/run", null)).EnsureSuccessStatusCode(); // round 2026-12-04
        await CommandAsync("ada", "/idea in-flow one");
        await CommandAsync("ada", "/idea private in-flow --private");
        await _host.Http.PostAsJsonAsync("/local/answer", new { user = "bob", answers = new[] { "x" }, ideas = new[] { "r1", "r2" } });

        await _host.Http.PostAsync("/local/jobs/digest/run", null);
        var digest = _host.Channel().Single().Text;
        Assert.Contains("## The experiment: reflection vs in-flow", digest);
        Assert.Contains("Too few", digest, StringComparison.OrdinalIgnoreCase); // 3 ideas are too few to judge
        Assert.DoesNotContain("private in-flow", digest);
    }
}
