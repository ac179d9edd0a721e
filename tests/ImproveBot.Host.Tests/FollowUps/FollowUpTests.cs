using System.Net;
using System.Text.Json;
using ImproveBot.Core.FollowUps;
using ImproveBot.Core.Ideas;
using ImproveBot.Data;
using ImproveBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.FollowUps;

/// <summary>Closing the loop: follow-up timing (zones, working hours, pauses) and every button's effect, on a fake clock.</summary>
public sealed class FollowUpTests : IAsyncLifetime
{
    // Wednesday 2026-11-25 10:00 UTC. Follow-ups come 14 days after an idea, Monday to Friday 09:00-17:00 local.
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private BotTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync(Start, new Dictionary<string, string?>
    {
        ["Teams:FollowUpDelay"] = "14.00:00:00",
        ["Teams:ReminderDelay"] = "00:00:00",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private void SetClock(string utc) => _host.Clock.SetUtcNow(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));

    private async Task<JsonElement> CommandAsync(string user, string text)
    {
        var response = await _host.Http.PostAsJsonAsync("/local/command", new { user, text });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<long> LogIdeaAsync(string user, string text)
    {
        var reply = (await CommandAsync(user, text)).GetProperty("text").GetString()!;
        var match = System.Text.RegularExpressions.Regex.Match(reply, @"#(\d+)");
        Assert.True(match.Success, reply);
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<(HttpStatusCode Status, string Text)> PressAsync(string user, string action, Dictionary<string, string>? values = null)
    {
        var response = await _host.Http.PostAsJsonAsync("/local/action", new { user, action, values });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, json.GetProperty("text").GetString()!);
    }

    private Task<int> SendDueAsync() =>
        _host.InScopeAsync(async sp =>
        {
            var sent = await sp.GetRequiredService<FollowUpService>().SendDueAsync(default);
            await sp.GetRequiredService<Core.Messaging.OutboxDispatcher>().DispatchDueAsync(default);
            return sent;
        });

    private Task<Idea> IdeaAsync(long id) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Ideas.AsNoTracking().SingleAsync(i => i.Id == id));

    private IReadOnlyList<ImproveBot.Host.Local.LocalMessage> FollowUpsFor(string user) =>
        _host.Inbox(user).Where(m => m.Kind == "followup").ToList();

    [Fact]
    public async Task AFollowUpAnotherRunQueuedAlready_IsNeitherCountedNorRecordedAgain()
    {
        var id = await LogIdeaAsync("ada", "/idea outline before writing #writing");
        var idea = await IdeaAsync(id);
        // What a run beside this one leaves when it asks first: the message for the first ask is queued. (It also
        // records the ask on the idea; this run read the idea before that, so it sees no ask yet.)
        await _host.InScopeAsync(async sp =>
        {
            var author = (await sp.GetRequiredService<Core.Members.IMemberDirectory>().GetMemberAsync(idea.AuthorId, default))!;
            await sp.GetRequiredService<Core.Messaging.IOutbox>().EnqueueAsync(new Core.Messaging.OutboundMessage(
                $"followup:{id}:1", Core.Messaging.Destination.DirectMessage(author.Ref),
                new Core.Messaging.FollowUpMessage(id, idea.Text, DateOnly.FromDateTime(idea.CreatedAt.UtcDateTime), 1)), null, _host.Clock.GetUtcNow(), default);
            await sp.GetRequiredService<Core.Storage.IUnitOfWork>().SaveChangesAsync(default);
        });

        var sent = await _host.InScopeAsync(sp => sp.GetRequiredService<FollowUpService>().SendTeamNowAsync(idea.TeamId, default));

        Assert.Equal(0, sent);
        Assert.Equal(0, (await IdeaAsync(id)).FollowUpCount); // not recorded from this run's stale read
        var keys = await _host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Outbox.Where(o => o.Key.StartsWith("followup:")).Select(o => o.Key).ToListAsync());
        Assert.Equal([$"followup:{id}:1"], keys);
    }

    [Fact]
    public async Task FollowUpComesAfterTheDelay_InsideTheAuthorsLocalWorkingHours()
    {
        await CommandAsync("ravi", "/improve tz Asia/Kolkata");
        await CommandAsync("lee", "/improve tz America/Los_Angeles");
        var raviIdea = await LogIdeaAsync("ravi", "/idea outline before writing #writing");
        var leeIdea = await LogIdeaAsync("lee", "/idea batch email twice a day #focus");

        SetClock("2026-12-09T09:59:00Z");
        Assert.Equal(0, await SendDueAsync()); // not yet two weeks

        SetClock("2026-12-09T10:00:00Z"); // 15:30 in Kolkata, 02:00 in Los Angeles
        Assert.Equal(1, await SendDueAsync());
        var raviFollowUp = Assert.Single(FollowUpsFor("ravi"));
        Assert.Contains("outline before writing", raviFollowUp.Text);
        Assert.Empty(FollowUpsFor("lee"));

        SetClock("2026-12-09T16:59:00Z"); // 08:59 in Los Angeles
        Assert.Equal(0, await SendDueAsync());
        SetClock("2026-12-09T17:00:00Z"); // 09:00 in Los Angeles
        Assert.Equal(1, await SendDueAsync());
        Assert.Single(FollowUpsFor("lee"));

        Assert.Equal(1, (await IdeaAsync(raviIdea)).FollowUpCount);
        Assert.Equal(1, (await IdeaAsync(leeIdea)).FollowUpCount);
        Assert.Equal(0, await SendDueAsync()); // never twice for the same ask
    }

    [Fact]
    public async Task DueOnAWeekend_ComesMondayMorning()
    {
        SetClock("2026-11-28T12:00:00Z"); // Saturday
        await LogIdeaAsync("ada", "/idea keep a lab notebook #tools");
        SetClock("2026-12-12T12:00:00Z"); // two weeks later, a Saturday
        Assert.Equal(0, await SendDueAsync());
        SetClock("2026-12-14T08:59:00Z");
        Assert.Equal(0, await SendDueAsync());
        SetClock("2026-12-14T09:00:00Z"); // Monday 09:00 UTC (ada's zone is the team's, UTC)
        Assert.Equal(1, await SendDueAsync());
    }

    [Fact]
    public async Task PausedAuthors_AreAskedWhenThePauseEnds_OptedOutNever()
    {
        await LogIdeaAsync("ada", "/idea read one paper a day #reading");
        await LogIdeaAsync("bob", "/idea pair program on proofs #collaboration");
        await CommandAsync("ada", "/improve pause until 2026-12-21");
        await CommandAsync("bob", "/improve optout");

        SetClock("2026-12-09T10:00:00Z");
        Assert.Equal(0, await SendDueAsync());
        SetClock("2026-12-21T10:00:00Z"); // Monday, ada's pause is over
        Assert.Equal(1, await SendDueAsync());
        Assert.Single(FollowUpsFor("ada"));
        Assert.Empty(FollowUpsFor("bob"));
    }

    [Fact]
    public async Task TriedAndHelped_AdoptsTheIdea_AndRecordsOutcomeAndValue()
    {
        var id = await LogIdeaAsync("ada", "/idea write the abstract first #writing");
        SetClock("2026-12-09T10:00:00Z");
        await SendDueAsync();
        var buttons = FollowUpsFor("ada").Single().Actions.Select(a => a.Id).ToList();
        Assert.Equal(9, buttons.Count); // four answers and five ratings

        var (status, text) = await PressAsync("ada", $"followup:helped:{id}", new() { ["value"] = "4" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("adopted", text);
        var idea = await IdeaAsync(id);
        Assert.Equal(IdeaStatus.Adopted, idea.Status);
        Assert.Equal(IdeaOutcome.Helped, idea.Outcome);
        Assert.Equal(4, idea.Value);
        Assert.Equal(_host.Clock.GetUtcNow(), idea.OutcomeAt);
        Assert.Null(idea.FollowUpDueAt);

        // The rating buttons work on their own too.
        await PressAsync("ada", $"followup:rate:{id}:5");
        Assert.Equal(5, (await IdeaAsync(id)).Value);
        SetClock("2027-01-11T10:00:00Z");
        Assert.Equal(0, await SendDueAsync()); // settled: no more follow-ups
    }

    [Theory]
    [InlineData("nothelped", IdeaStatus.Dropped, IdeaOutcome.DidNotHelp)]
    [InlineData("drop", IdeaStatus.Dropped, IdeaOutcome.DroppedUntried)]
    public async Task DidNotHelpAndDrop_DropTheIdea_WithTheirOutcome(string verb, IdeaStatus status, IdeaOutcome outcome)
    {
        var id = await LogIdeaAsync("ada", "/idea no meetings before 11 #focus");
        var (code, _) = await PressAsync("ada", $"followup:{verb}:{id}");
        Assert.Equal(HttpStatusCode.OK, code);
        var idea = await IdeaAsync(id);
        Assert.Equal(status, idea.Status);
        Assert.Equal(outcome, idea.Outcome);
        Assert.Null(idea.Value);
    }

    [Fact]
    public async Task NotYet_KeepsItTrying_AndAsksAgain_AtMostThreeTimes()
    {
        var id = await LogIdeaAsync("ada", "/idea time-box literature search #reading");
        var times = new[] { "2026-12-09T10:00:00Z", "2026-12-23T10:00:00Z", "2027-01-06T10:00:00Z", "2027-01-20T10:00:00Z", "2027-02-03T10:00:00Z" };
        var asked = 0;
        foreach (var at in times)
        {
            SetClock(at);
            asked += await SendDueAsync();
            var (_, text) = await PressAsync("ada", $"followup:notyet:{id}");
            Assert.Contains($"#{id}", text);
        }
        Assert.Equal(3, asked);
        Assert.Equal(3, FollowUpsFor("ada").Count);
        var idea = await IdeaAsync(id);
        Assert.Equal(IdeaStatus.Trying, idea.Status);
        Assert.Null(idea.Outcome);
        Assert.Null(idea.FollowUpDueAt);
    }

    [Fact]
    public async Task OnlyTheAuthorCanAnswer_AndRatingsAreOneToFive()
    {
        var id = await LogIdeaAsync("ada", "/idea ask for feedback on plans #feedback");
        var (status, text) = await PressAsync("bob", $"followup:helped:{id}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("not about one of your ideas", text);

        (status, _) = await PressAsync("ada", $"followup:helped:{id}", new() { ["value"] = "7" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        (status, _) = await PressAsync("ada", $"followup:rate:{id}:6");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(IdeaStatus.New, (await IdeaAsync(id)).Status);
    }

    [Fact]
    public async Task PlaygroundJob_SendsFollowUpsAsIfDue()
    {
        await LogIdeaAsync("ada", "/idea draw the figure first #writing");
        await LogIdeaAsync("ada", "/idea a private worry --private");
        var run = await _host.Http.PostAsync("/local/jobs/followup/run", null);
        var json = await run.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, json.GetProperty("queued").GetInt32());
        Assert.Equal(2, FollowUpsFor("ada").Count); // private ideas are followed up too: they are the author's own
    }

    [Fact]
    public async Task DigestOutcomes_ShowWhatHelped_RespectingVisibility()
    {
        var named = await LogIdeaAsync("ada", "/idea write the abstract first #writing");
        var anonymous = await LogIdeaAsync("bob", "/idea ask for feedback early #feedback --anon");
        var hidden = await LogIdeaAsync("cat", "/idea my secret habit --private");
        await PressAsync("ada", $"followup:helped:{named}", new() { ["value"] = "4" });
        await PressAsync("bob", $"followup:nothelped:{anonymous}");
        await PressAsync("cat", $"followup:helped:{hidden}", new() { ["value"] = "5" });

        (await _host.Http.PostAsync("/local/jobs/digest/run", null)).EnsureSuccessStatusCode();
        var digest = _host.Channel().Single().Text;
        Assert.Contains("## Outcomes", digest);
        Assert.Contains($"- Helped: #{named} write the abstract first — ada (value 4/5)", digest);
        Assert.Contains($"- Tried, didn't help: #{anonymous} ask for feedback early — anonymous", digest);
        Assert.DoesNotContain("secret habit", digest);
        Assert.DoesNotContain("5/5", digest);
    }
}
