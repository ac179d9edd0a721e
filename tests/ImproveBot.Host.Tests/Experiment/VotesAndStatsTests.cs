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

/// <summary>A new idea that reads like an existing one gets an offer to +1 the existing one instead.</summary>
public sealed class SimilarIdeaTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        var response = await _host.Http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task SimilarTeamIdea_IsNamed_AndPlusOneInsteadVotesAndWithdrawsTheNewOne()
    {
        await PostAsync("/local/command", new { user = "ada", text = "/idea Read the abstract and conclusion before deciding to read a paper #reading" });
        var reply = await PostAsync("/local/command", new { user = "bob", text = "/idea before reading a paper, read its abstract and conclusion first" });

        Assert.Contains("Saved idea #2", reply.GetProperty("text").GetString());
        Assert.Contains("reads a lot like #1", reply.GetProperty("text").GetString());
        Assert.Contains("by ada", reply.GetProperty("text").GetString());
        var offer = Assert.Single(reply.GetProperty("actions").EnumerateArray());
        Assert.Equal("idea:merge:2:1", offer.GetProperty("id").GetString());

        var pressed = await PostAsync("/local/action", new { user = "bob", action = "idea:merge:2:1" });
        Assert.Contains("+1 for #1 (1 vote) instead; #2 is withdrawn", pressed.GetProperty("text").GetString());
        var team = (await PostAsync("/local/command", new { user = "cat", text = "/ideas" })).GetProperty("text").GetString()!;
        Assert.Contains("#1 ", team);
        Assert.DoesNotContain("#2 ", team);

        // Pressing again cannot withdraw anything twice or vote twice.
        var again = await PostAsync("/local/action", new { user = "bob", action = "idea:merge:2:1" });
        Assert.Contains("can no longer be swapped", again.GetProperty("text").GetString());
    }

    [Fact]
    public async Task DifferentIdea_GetsNoOffer_AndOthersPrivateIdeasAreNeverSuggested()
    {
        await PostAsync("/local/command", new { user = "ada", text = "/idea block mornings for writing --private" });
        await PostAsync("/local/command", new { user = "ada", text = "/idea ask a labmate to review my plots" });
        var reply = await PostAsync("/local/command", new { user = "bob", text = "/idea block mornings for writing" });

        Assert.Equal(JsonValueKind.Null, reply.GetProperty("actions").ValueKind);
        Assert.DoesNotContain("reads a lot like", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task OwnNearDuplicate_OffersToKeepOnlyTheFirst()
    {
        await PostAsync("/local/command", new { user = "ada", text = "/idea write every morning before email #writing" });
        var reply = await PostAsync("/local/command", new { user = "ada", text = "/idea write each morning before email" });
        Assert.Contains("You already have a very similar idea: #1", reply.GetProperty("text").GetString());
        var pressed = await PostAsync("/local/action", new { user = "ada", action = "idea:merge:2:1" });
        Assert.Contains("Removed #2", pressed.GetProperty("text").GetString());
    }
}
