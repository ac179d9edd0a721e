using System.Net;
using System.Text.Json;
using ImproveBot.Testing;

namespace ImproveBot.Host.Tests.EndToEnd;

/// <summary>The whole weekly loop through the local playground's HTTP API, as a person trying the bot would drive it.</summary>
public sealed class PlaygroundEndToEndTests : IAsyncLifetime
{
    private BotTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero)); // a Wednesday

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _host.Http.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {json}");
        return json;
    }

    private Task<JsonElement> CommandAsync(string user, string text) => PostAsync("/local/command", new { user, text });

    private async Task<JsonElement> GetAsync(string path) => await _host.Http.GetFromJsonAsync<JsonElement>(path);

    [Fact]
    public async Task PromptAnswerIdeaDigest_DigestHasTheRightCounts()
    {
        // Four people use the bot once, which makes them members.
        foreach (var user in new[] { "ada", "bob", "cat", "dan" })
            Assert.Contains("No ideas", (await CommandAsync(user, "/ideas")).GetProperty("text").GetString());

        // The weekly prompt, run now for everyone.
        var run = await PostAsync("/local/jobs/prompt/run", new { });
        Assert.Equal(4, run.GetProperty("queued").GetInt32());
        Assert.Equal(4, run.GetProperty("sent").GetInt32());

        // Ada presses Start, takes 18 minutes, and submits the form with two ideas.
        var inbox = await GetAsync("/local/inbox/ada");
        var prompt = Assert.Single(inbox.EnumerateArray());
        Assert.Equal("prompt", prompt.GetProperty("kind").GetString());
        Assert.Contains("What is one thing you could do to get better at your research?", prompt.GetProperty("text").GetString());
        var actions = prompt.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();
        Assert.Equal(3, actions.Count);
        var started = await PostAsync("/local/action", new { user = "ada", action = actions[0] });
        var form = started.GetProperty("form");
        var submit = form.GetProperty("submitActionId").GetString();
        Assert.Equal(4, form.GetProperty("fields").GetArrayLength()); // three questions + ideas

        _host.Clock.Advance(TimeSpan.FromMinutes(18));
        var submitted = await PostAsync("/local/action", new
        {
            user = "ada",
            action = submit,
            values = new Dictionary<string, string>
            {
                ["q0"] = "Write the introduction first",
                ["q1"] = "Started a reading log",
                ["q2"] = "Waiting for cluster jobs",
                ["ideas"] = "Draft the intro before the experiments #writing\nAsk for feedback on plans, not results #feedback --anon",
            },
        });
        Assert.Equal(2, submitted.GetProperty("ideaIds").GetArrayLength());
        Assert.Contains("18 minutes", submitted.GetProperty("text").GetString());

        // Bob answers without the form (a plain reply): duration unknown.
        var answered = await PostAsync("/local/answer", new { user = "bob", answers = new[] { "More focus time", "", "" }, ideas = new[] { "No meetings before 11 #focus" } });
        Assert.Single(answered.GetProperty("ideaIds").EnumerateArray());

        // Cat skips; Dan logs ideas in the flow of the week, one of them private.
        var catSkip = (await GetAsync("/local/inbox/cat")).EnumerateArray().Single().GetProperty("actions")[1].GetProperty("id").GetString();
        await PostAsync("/local/action", new { user = "cat", action = catSkip });
        Assert.StartsWith("Saved idea #", (await CommandAsync("dan", "/idea read papers with a question first #reading")).GetProperty("text").GetString());
        Assert.Contains("private", (await CommandAsync("dan", "/idea my secret worry about the deadline --private")).GetProperty("text").GetString());

        // Bob +1s Ada's named idea.
        var adaIdeas = await CommandAsync("ada", "/ideas mine");
        var named = submitted.GetProperty("ideaIds")[0].GetInt64();
        Assert.Contains($"#{named}", adaIdeas.GetProperty("text").GetString());
        Assert.StartsWith("+1", (await CommandAsync("bob", $"/improve vote {named}")).GetProperty("text").GetString());

        var digestRun = await PostAsync("/local/jobs/digest/run", new { });
        Assert.Equal(1, digestRun.GetProperty("sent").GetInt32());
        var channel = await GetAsync("/local/channel");
        var digest = Assert.Single(channel.EnumerateArray()).GetProperty("text").GetString()!;

        Assert.Contains("2 of 4 reflected this week · 1 skipped · median 18 min (1 without a time)", digest);
        Assert.Contains("Draft the intro before the experiments — ada (reflection, 1 vote)", digest);
        Assert.Contains("Ask for feedback on plans, not results — anonymous (reflection)", digest);
        Assert.Contains("No meetings before 11 — bob (reflection)", digest);
        Assert.Contains("read papers with a question first — dan (in-flow)", digest);
        Assert.Contains("- In-flow: 1 idea", digest);
        Assert.Contains("- Reflection: 3 ideas", digest);
        Assert.DoesNotContain("secret worry", digest);
        Assert.DoesNotContain("cat", digest);
    }

    [Fact]
    public async Task ReflectCommandThenSecondSubmission_ReplacesAnswersWithoutDuplicatingIdeas()
    {
        var start = await CommandAsync("ada", "/improve reflect");
        var submit = start.GetProperty("form").GetProperty("submitActionId").GetString();
        var values = new Dictionary<string, string> { ["q0"] = "first", ["ideas"] = "Keep a decision log #tools" };
        var first = await PostAsync("/local/action", new { user = "ada", action = submit, values });
        values["q0"] = "second";
        values["ideas"] = "Keep a decision log #tools\nTimebox literature search #reading";
        var second = await PostAsync("/local/action", new { user = "ada", action = submit, values });

        Assert.Single(first.GetProperty("ideaIds").EnumerateArray());
        Assert.Single(second.GetProperty("ideaIds").EnumerateArray());
        var mine = (await CommandAsync("ada", "/ideas mine")).GetProperty("text").GetString()!;
        Assert.Equal(1, mine.Split("decision log").Length - 1);
        Assert.Contains("Timebox literature search", mine);

        // Running the prompt later in the same round does not prompt someone who already reflected.
        Assert.Equal(0, (await PostAsync("/local/jobs/prompt/run", new { })).GetProperty("queued").GetInt32());
    }

    [Fact]
    public async Task InvalidReflection_IsRefusedWithFieldErrors_AndNothingIsStored()
    {
        var tooLong = new string('x', 2001);
        var refused = await PostAsync("/local/answer", new { user = "ada", answers = new[] { "fine" }, ideas = new[] { tooLong } },
            HttpStatusCode.UnprocessableEntity);
        Assert.True(refused.GetProperty("errors").TryGetProperty("ideas", out var error));
        Assert.Contains("2,000", error.GetString());
        Assert.Contains("no ideas", (await CommandAsync("ada", "/ideas mine")).GetProperty("text").GetString(), StringComparison.OrdinalIgnoreCase);

        var empty = await PostAsync("/local/answer", new { user = "ada", answers = new[] { " " }, ideas = Array.Empty<string>() },
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("empty", empty.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AdminCommands_OnlyForAdmins()
    {
        var refused = await CommandAsync("ada", "/improve config schedule Mon 09:30 Europe/Berlin");
        Assert.Contains("Only team admins", refused.GetProperty("text").GetString());

        var accepted = await CommandAsync("lead", "/improve config schedule Mon 09:30 Europe/Berlin");
        Assert.Contains("Monday at 09:30", accepted.GetProperty("text").GetString());

        var tz = await CommandAsync("ada", "/improve tz Asia/Kolkata");
        Assert.Contains("Monday 2026-11-30 09:30", tz.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("/idea", "idea")]
    [InlineData("/improve pause until 2020-01-01", "not in the future")]
    [InlineData("/improve tz Europe/Berln", "Europe/Berlin")]
    [InlineData("/improve frobnicate", "/improve help")]
    [InlineData("/improve status 999 adopted", "no idea #999")]
    public async Task BadCommands_GetAFriendlyHint(string text, string hintContains)
    {
        var reply = await CommandAsync("ada", text);
        Assert.Contains(hintContains, reply.GetProperty("text").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
