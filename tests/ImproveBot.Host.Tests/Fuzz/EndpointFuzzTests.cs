using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImproveBot.Core.Ideas;
using ImproveBot.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ImproveBot.Host.Tests.Fuzz;

/// <summary>
/// Thousands of malformed, mutated and signed requests against every front door of one bot (Slack commands, events and
/// interactions, Discord interactions, the playground, the admin API). Whatever arrives: never a 5xx, every bad signature a
/// 401, every oversized body a 413, the bot healthy afterwards, and exactly the ideas it said it stored, each whole.
/// </summary>
/// <remarks>
/// Requests are generated (and signed) up front from one seed, printed in the output: <c>IMPROVEBOT_FUZZ_SEED</c> and
/// <c>IMPROVEBOT_FUZZ_COUNT</c> replay or widen a run. They are sent by a few workers at once, as a platform would.
/// </remarks>
public sealed partial class EndpointFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DefaultSeed = 20_261_125;
    private const int DefaultCount = 10_000;
    private const int Workers = 4;

    private FuzzRig _rig = null!;

    public async Task InitializeAsync() => _rig = await FuzzRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private sealed record Outcome(FuzzRequest Request, int Status, string Body);

    [Fact]
    public async Task TenThousandMalformedRequests_NeverA5xx_BadSignaturesAre401_AndOnlyAnnouncedIdeasAreStored()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("IMPROVEBOT_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable("IMPROVEBOT_FUZZ_COUNT"), CultureInfo.InvariantCulture, out var c) ? c : DefaultCount;
        output.WriteLine($"Fuzz seed {seed} ({count} requests); replay with IMPROVEBOT_FUZZ_SEED={seed}");

        var fuzzer = new RequestFuzzer(new Random(seed), _rig);
        var requests = Enumerable.Range(0, count).Select(fuzzer.Next).ToList();
        var outcomes = new Outcome[requests.Count];
        var next = -1;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            // Bounded: each worker takes indexes until the list is used up.
            for (var i = Interlocked.Increment(ref next); i < requests.Count; i = Interlocked.Increment(ref next))
                outcomes[i] = await SendAsync(requests[i]);
        }));
        started.Stop();

        Report(outcomes, started.Elapsed);

        var failures = new List<string>();
        foreach (var o in outcomes)
        {
            if (o.Status >= 500 || o.Status == 0) failures.Add($"{o.Status} for {o.Request.Describe()} → {Short(o.Body)}");
            else if (o.Request.Expect == FuzzExpect.Unauthorized && o.Status != 401) failures.Add($"{o.Status} (not 401) for {o.Request.Describe()}");
            else if (o.Request.Expect == FuzzExpect.TooLarge && o.Status != 413) failures.Add($"{o.Status} (not 413) for {o.Request.Describe()}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} bad answers (seed {seed}):\n" + string.Join("\n", failures.Take(25)));

        // Still healthy, and still doing its job.
        Assert.Equal(HttpStatusCode.OK, (await _rig.Host.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _rig.Host.Http.GetAsync("/readyz")).StatusCode);
        var after = await _rig.Host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/idea one more after the storm #focus" });
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var afterText = (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!;
        Assert.StartsWith("Saved idea #", afterText);

        await AssertNoPartialWritesAsync(outcomes.Append(new Outcome(
            new FuzzRequest(-1, "local/command", HttpMethod.Post, "/local/command", null, null, [], FuzzExpect.NotServerError, "none")
            {
                ExpectedIdeaText = "one more after the storm",
            }, 200, JsonSerializer.Serialize(new { text = afterText }))).ToList(), seed);
    }

    /// <summary>
    /// Every in-flow idea in the database was announced as saved ("Saved idea #N") to exactly one request, and every
    /// announced one is there. Texts are never empty, never over 2,000 characters, and equal what the grammar makes of the
    /// request's text where the request was sent untouched.
    /// </summary>
    private async Task AssertNoPartialWritesAsync(IReadOnlyList<Outcome> outcomes, int seed)
    {
        var announced = new Dictionary<long, Outcome>();
        foreach (var o in outcomes.Where(o => o.Status == 200))
        {
            foreach (var id in SavedIds(o.Body))
                Assert.True(announced.TryAdd(id, o), $"Idea #{id} announced twice (seed {seed}): {o.Request.Describe()}");
        }

        var stored = await _rig.Host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Ideas.AsNoTracking()
            .Select(i => new { i.Id, i.Text, i.Source }).ToListAsync());
        output.WriteLine($"Ideas stored: {stored.Count} ({stored.Count(i => i.Source == IdeaSource.InFlow)} in-flow, {announced.Count} announced by /idea replies)");

        foreach (var idea in stored)
        {
            Assert.False(string.IsNullOrWhiteSpace(idea.Text), $"Idea #{idea.Id} has empty text (seed {seed})");
            Assert.True(idea.Text.Length <= 2000, $"Idea #{idea.Id} has {idea.Text.Length} characters (seed {seed})");
            Assert.False(idea.Text.Any(char.IsSurrogate) && !IsWellFormed(idea.Text), $"Idea #{idea.Id} has a cut surrogate pair (seed {seed})");
        }

        var inFlow = stored.Where(i => i.Source == IdeaSource.InFlow).ToDictionary(i => i.Id, i => i.Text);
        var unannounced = inFlow.Keys.Except(announced.Keys).ToList();
        var missing = announced.Keys.Except(inFlow.Keys).ToList();
        Assert.True(unannounced.Count == 0, $"Stored but never announced (seed {seed}): #{string.Join(", #", unannounced.Take(20))}");
        Assert.True(missing.Count == 0, $"Announced but not stored (seed {seed}): " +
            string.Join("; ", missing.Take(5).Select(id => $"#{id} from {announced[id].Request.Describe()}")));

        var checkedTexts = 0;
        foreach (var (id, o) in announced)
        {
            if (o.Request.ExpectedIdeaText is not { } expected) continue;
            Assert.True(expected == inFlow[id], $"Idea #{id} stored as \"{Short(inFlow[id])}\", expected \"{Short(expected)}\" (seed {seed}): {o.Request.Describe()}");
            checkedTexts++;
        }
        output.WriteLine($"Stored texts compared exactly with their request: {checkedTexts}");
        Assert.True(checkedTexts > 100, "Too few untouched /idea requests were stored to check texts against; the generator is off.");
    }

    private async Task<Outcome> SendAsync(FuzzRequest request)
    {
        using var message = request.ToMessage();
        // Bounded per request, so a hang names the request instead of failing the run as a whole.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            using var response = await _rig.Host.Http.SendAsync(message, timeout.Token);
            return new Outcome(request, (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException ex) when (request.Expect == FuzzExpect.TooLarge)
        {
            // The server may answer 413 and close the connection before the client has sent all of a body it refused.
            return new Outcome(request, ex.StatusCode is { } status ? (int)status : 413, "(connection closed after refusing the body)");
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(request, 0, "client error: " + ex.Message + " / " + ex.InnerException?.Message);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(request, 0, "no answer within 20 s");
        }
    }

    /// <summary>The idea ids a reply announced as saved: "Saved idea #N" in a Slack, Discord or playground answer.</summary>
    private static IEnumerable<long> SavedIds(string body)
    {
        if (body.Length == 0 || body[0] != '{') return [];
        string? text;
        try
        {
            var json = JsonDocument.Parse(body).RootElement;
            text = json.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : json.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("content", out var content)
                    && content.ValueKind == JsonValueKind.String ? content.GetString()
                : null;
        }
        catch (JsonException)
        {
            return [];
        }
        var match = text is null ? Match.Empty : SavedPattern().Match(text);
        return match.Success ? [long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] : [];
    }

    private void Report(IReadOnlyList<Outcome> outcomes, TimeSpan elapsed)
    {
        output.WriteLine($"{outcomes.Count} requests in {elapsed.TotalSeconds:F1} s ({outcomes.Count / elapsed.TotalSeconds:F0}/s, {Workers} at a time)");
        var statuses = outcomes.Select(o => o.Status).Distinct().Order().ToList();
        var table = new StringBuilder().Append($"{"endpoint",-22}{"total",7}");
        foreach (var status in statuses) table.Append($"{status,7}");
        table.AppendLine();
        foreach (var group in outcomes.GroupBy(o => o.Request.Endpoint).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            table.Append($"{group.Key,-22}{group.Count(),7}");
            foreach (var status in statuses) table.Append($"{group.Count(o => o.Status == status),7}");
            table.AppendLine();
        }
        output.WriteLine(table.ToString());
        output.WriteLine("Expected 401 (bad signature or token): " + outcomes.Count(o => o.Request.Expect == FuzzExpect.Unauthorized)
            + "; expected 413 (oversized): " + outcomes.Count(o => o.Request.Expect == FuzzExpect.TooLarge)
            + "; correctly signed platform requests: " + outcomes.Count(o => o.Request.Mutation.Contains("signed", StringComparison.Ordinal)));
        foreach (var group in outcomes.GroupBy(o => o.Request.Mutation.Split('+')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
            output.WriteLine($"  mutation {group.Key,-22}{group.Count(),6}");
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }

    private static string Short(string text) => text.Length <= 200 ? text : text[..200] + "…";

    [GeneratedRegex(@"^Saved idea #(\d+)")]
    private static partial Regex SavedPattern();
}
