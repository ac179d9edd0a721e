using ImproveBot.Core.Reflections;
using ImproveBot.Data;
using ImproveBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Prompts;

/// <summary>The weekly loop as the scheduler drives it, on a real SQLite file and a fake clock.</summary>
public sealed class WeeklyLoopTests : IAsyncLifetime
{
    // Thursday 2026-11-26 12:00 UTC; the team prompts on Fridays at 15:00, each member in their own zone.
    private static readonly DateTimeOffset Thursday = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private BotTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync(Thursday, new Dictionary<string, string?>
    {
        ["Teams:TimeZone"] = "Europe/London",
        ["Teams:PromptDay"] = "Friday",
        ["Teams:PromptTime"] = "15:00",
        ["Teams:ReminderDelay"] = "04:00:00",
        ["Teams:ReflectionWindow"] = "3.00:00:00",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private void SetClock(string utc) => _host.Clock.SetUtcNow(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task EachMemberIsPromptedAtFridayThreePmInTheirOwnZone()
    {
        await _host.AddMemberAsync("kiri", "Pacific/Chatham");     // +13:45 → 01:15 UTC
        await _host.AddMemberAsync("ravi", "Asia/Kolkata");        // +05:30 → 09:30 UTC
        await _host.AddMemberAsync("ada", "Europe/London");        // +00:00 → 15:00 UTC
        await _host.AddMemberAsync("lee", "America/Los_Angeles");  // -08:00 → 23:00 UTC

        Assert.Equal(0, (await _host.TickAsync()).Prompts);

        SetClock("2026-11-27T01:14:59Z");
        Assert.Equal(0, (await _host.TickAsync()).Prompts);
        SetClock("2026-11-27T01:15:00Z");
        Assert.Equal(1, (await _host.TickAsync()).Prompts);
        Assert.Equal(["kiri"], (await _host.SentPromptsAsync()).Keys);

        SetClock("2026-11-27T09:30:00Z");
        await _host.TickAsync();
        SetClock("2026-11-27T14:59:00Z");
        await _host.TickAsync();
        Assert.Equal(["kiri", "ravi"], (await _host.SentPromptsAsync()).Keys.Order());

        SetClock("2026-11-27T15:00:00Z");
        await _host.TickAsync();
        SetClock("2026-11-27T23:00:00Z");
        await _host.TickAsync();
        var sent = await _host.SentPromptsAsync();
        Assert.Equal(["ada", "kiri", "lee", "ravi"], sent.Keys.Order());
        Assert.All(sent.Values, count => Assert.Equal(1, count));

        // All four answered the same round, named by the local Friday.
        var rounds = await _host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Rounds.ToListAsync());
        Assert.Equal(new NodaTime.LocalDate(2026, 11, 27), Assert.Single(rounds).PromptDate);
        Assert.Equal([1, 1, 1, 1], new[] { "ada", "kiri", "lee", "ravi" }.Select(u => _host.Inbox(u).Count(m => m.Kind == "prompt")));
    }

    [Fact]
    public async Task PausedAndOptedOutMembersAreSkipped_AndPromptedAgainOncePauseEnds()
    {
        await _host.AddMemberAsync("ada");
        await _host.AddMemberAsync("bob");
        await _host.AddMemberAsync("cat");
        await _host.ChangeMemberAsync("bob", m => m.PausedUntil = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await _host.ChangeMemberAsync("cat", m => m.OptedIn = false);

        SetClock("2026-11-27T15:00:00Z");
        await _host.TickAsync();
        Assert.Equal(["ada"], (await _host.SentPromptsAsync()).Keys);

        SetClock("2026-12-04T15:00:00Z");
        await _host.TickAsync();
        var sent = await _host.SentPromptsAsync();
        Assert.Equal(2, sent["ada"]);
        Assert.Equal(1, sent["bob"]);
        Assert.False(sent.ContainsKey("cat"));
    }

    [Fact]
    public async Task RestartAfterPrompting_DoesNotPromptTwice()
    {
        await _host.AddMemberAsync("ada");
        await _host.AddMemberAsync("bob");
        SetClock("2026-11-27T15:00:00Z");
        await _host.TickAsync();

        await _host.RestartAsync();
        SetClock("2026-11-27T15:01:00Z");
        var afterRestart = await _host.TickAsync();

        Assert.Equal(0, afterRestart.Prompts);
        Assert.Equal(0, afterRestart.Sent);
        Assert.Equal(new Dictionary<string, int> { ["ada"] = 1, ["bob"] = 1 }, await _host.SentPromptsAsync());
    }

    [Fact]
    public async Task CrashBetweenQueueingAndSending_SendsEachPromptOnceAfterRestart()
    {
        await _host.AddMemberAsync("ada");
        await _host.AddMemberAsync("bob");
        SetClock("2026-11-27T15:00:00Z");
        var queued = await _host.InScopeAsync(sp => sp.GetRequiredService<Core.Prompts.WeeklyPromptService>().PromptDueMembersAsync(default));
        Assert.Equal(2, queued);

        await _host.RestartAsync();
        var tick = await _host.TickAsync();

        Assert.Equal(0, tick.Prompts);
        Assert.Equal(2, tick.Sent);
        Assert.Equal(new Dictionary<string, int> { ["ada"] = 1, ["bob"] = 1 }, await _host.SentPromptsAsync());
    }

    [Fact]
    public async Task DowntimeOverThePromptTime_PromptIsSentWhenTheBotComesBackInTheSameRound()
    {
        await _host.AddMemberAsync("ada");
        SetClock("2026-11-28T10:00:00Z"); // Saturday: the bot was down on Friday afternoon
        Assert.Equal(1, (await _host.TickAsync()).Prompts);
        Assert.Single(_host.Inbox("ada"));
    }

    [Fact]
    public async Task DowntimePastTheReflectionWindow_SkipsThatRoundAndPromptsTheNext()
    {
        await _host.AddMemberAsync("ada");
        SetClock("2026-12-01T10:00:00Z"); // Tuesday: Friday's round closed on Monday 15:00 London
        Assert.Equal(0, (await _host.TickAsync()).Prompts);
        SetClock("2026-12-04T15:00:00Z");
        Assert.Equal(1, (await _host.TickAsync()).Prompts);
    }

    [Fact]
    public async Task Reminder_OnceAfterTheDelay_OnlyToThoseWhoHaveNotAnswered()
    {
        await _host.AddMemberAsync("ada");
        await _host.AddMemberAsync("bob");
        SetClock("2026-11-27T15:00:00Z");
        await _host.TickAsync();
        var answered = await _host.Http.PostAsJsonAsync("/local/answer", new { user = "bob", answers = new[] { "more sleep" }, ideas = Array.Empty<string>() });
        answered.EnsureSuccessStatusCode();

        SetClock("2026-11-27T18:59:00Z");
        Assert.Equal(0, (await _host.TickAsync()).Reminders);
        SetClock("2026-11-27T19:00:00Z");
        Assert.Equal(1, (await _host.TickAsync()).Reminders);
        SetClock("2026-11-27T23:00:00Z");
        Assert.Equal(0, (await _host.TickAsync()).Reminders);

        Assert.Equal(["prompt", "reminder"], _host.Inbox("ada").Select(m => m.Kind));
        Assert.Equal(["prompt"], _host.Inbox("bob").Select(m => m.Kind));
    }

    [Fact]
    public async Task Digest_PostedOnceWhenTheRoundCloses_EvenAcrossRestarts()
    {
        await _host.AddMemberAsync("ada");
        SetClock("2026-11-27T15:00:00Z");
        await _host.TickAsync();
        (await _host.Http.PostAsJsonAsync("/local/answer", new { user = "ada", answers = new[] { "less email" }, ideas = new[] { "batch email twice a day #focus" } }))
            .EnsureSuccessStatusCode();

        SetClock("2026-11-30T14:59:00Z");
        Assert.Equal(0, (await _host.TickAsync()).Digests);
        SetClock("2026-11-30T15:00:00Z");
        Assert.Equal(1, (await _host.TickAsync()).Digests);
        var digest = Assert.Single(_host.Channel());
        Assert.Contains("1 of 1 reflected this week", digest.Text);
        Assert.Contains("batch email twice a day", digest.Text);

        await _host.RestartAsync();
        SetClock("2026-11-30T16:00:00Z");
        Assert.Equal(0, (await _host.TickAsync()).Digests);
        var rounds = await _host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Rounds.ToListAsync());
        Assert.NotNull(Assert.Single(rounds).DigestPostedAt);
        var digestRows = await _host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Outbox.CountAsync(o => o.Key.StartsWith("digest:")));
        Assert.Equal(1, digestRows);
    }

    [Fact]
    public async Task SkipButton_MarksTheDeliverySkipped_AndNoReminderFollows()
    {
        await _host.AddMemberAsync("ada");
        SetClock("2026-11-27T15:00:00Z");
        await _host.TickAsync();
        var skip = _host.Inbox("ada").Single().Actions.Single(a => a.Id.StartsWith("reflect:skip:", StringComparison.Ordinal));
        (await _host.Http.PostAsJsonAsync("/local/action", new { user = "ada", action = skip.Id })).EnsureSuccessStatusCode();

        SetClock("2026-11-28T15:00:00Z");
        Assert.Equal(0, (await _host.TickAsync()).Reminders);
        var delivery = await _host.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Deliveries.SingleAsync());
        Assert.Equal(DeliveryStatus.Skipped, delivery.Status);
    }

    [Fact]
    public async Task TimeUpNudge_TwentyMinutesAfterStart_OnceAndOnlyIfNotSubmitted()
    {
        await _host.AddMemberAsync("ada");
        await _host.AddMemberAsync("bob");
        SetClock("2026-11-27T15:00:00Z");
        await _host.TickAsync();
        foreach (var user in new[] { "ada", "bob" })
        {
            var start = _host.Inbox(user).Single().Actions.First().Id;
            (await _host.Http.PostAsJsonAsync("/local/action", new { user, action = start })).EnsureSuccessStatusCode();
        }
        SetClock("2026-11-27T15:10:00Z");
        (await _host.Http.PostAsJsonAsync("/local/answer", new { user = "bob", answers = new[] { "done early" }, ideas = Array.Empty<string>() }))
            .EnsureSuccessStatusCode();

        SetClock("2026-11-27T15:19:59Z");
        await _host.TickAsync();
        Assert.DoesNotContain(_host.Inbox("ada"), m => m.Kind == "timeup");
        SetClock("2026-11-27T15:20:00Z");
        await _host.TickAsync();
        SetClock("2026-11-27T15:40:00Z");
        await _host.TickAsync();

        var timeUp = Assert.Single(_host.Inbox("ada"), m => m.Kind == "timeup");
        Assert.StartsWith("reflect:start:", timeUp.Actions.Single().Id);
        Assert.DoesNotContain(_host.Inbox("bob"), m => m.Kind == "timeup");
    }
}
