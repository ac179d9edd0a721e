using ImproveBot.Core.FollowUps;
using ImproveBot.Core.Messaging;
using ImproveBot.Data;
using ImproveBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests.Restart;

/// <summary>
/// A bot restarted mid-week (deploy, crash) carries on from the database: prompts already sent are not sent again,
/// reminders and follow-ups that fall due after the restart go out once.
/// </summary>
public sealed class MidWeekRestartTests : IAsyncLifetime
{
    // Thursday 2026-11-26 12:00 UTC. Prompts Friday 15:00 London, one reminder 4 h later, follow-ups 28 h after an idea.
    private static readonly DateTimeOffset Thursday = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private BotTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync(Thursday, new Dictionary<string, string?>
    {
        ["Teams:TimeZone"] = "Europe/London",
        ["Teams:PromptDay"] = "Friday",
        ["Teams:PromptTime"] = "15:00",
        ["Teams:ReminderDelay"] = "04:00:00",
        ["Teams:ReflectionWindow"] = "3.00:00:00",
        ["Teams:FollowUpDelay"] = "1.04:00:00",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private void SetClock(string utc) => _host.Clock.SetUtcNow(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Every job the scheduler runs, once, as after its trigger fired: prompt, reminder, digest, follow-up, then the outbox.</summary>
    private async Task<(int Prompts, int Reminders, int FollowUps)> AllJobsAsync()
    {
        var tick = await _host.TickAsync();
        var followUps = await _host.InScopeAsync(sp => sp.GetRequiredService<FollowUpService>().SendDueAsync(default));
        await _host.InScopeAsync(sp => sp.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(default));
        return (tick.Prompts, tick.Reminders, followUps);
    }

    /// <summary>Sent messages by kind of key (prompt, reminder, followup) and address, from the durable outbox.</summary>
    private Task<Dictionary<string, int>> SentAsync() =>
        _host.InScopeAsync(async sp =>
        {
            var rows = await sp.GetRequiredService<ImproveBotDbContext>().Outbox.AsNoTracking()
                .Where(o => o.State == OutboxState.Sent && o.DestinationKind == DestinationKind.DirectMessage)
                .Select(o => new { o.Key, o.Address }).ToListAsync();
            return rows.GroupBy(r => $"{r.Key.Split(':')[0]}:{r.Address}").ToDictionary(g => g.Key, g => g.Count());
        });

    private int InboxCount(string user, string kind) => _host.Inbox(user).Count(m => m.Kind == kind);

    [Fact]
    public async Task RestartAfterPromptsBeforeReminders_RemindersAndFollowUpsGoOutOnce_PromptsAreNotResent()
    {
        await _host.AddMemberAsync("ada", "Europe/London");
        await _host.AddMemberAsync("bob", "Europe/London");
        var logged = await _host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/idea outline before writing #writing" });
        logged.EnsureSuccessStatusCode();

        SetClock("2026-11-27T15:00:00Z");
        Assert.Equal((2, 0, 0), await AllJobsAsync());
        Assert.Equal(1, InboxCount("ada", "prompt"));

        // Down at 15:30, before the reminders (19:00) and the follow-up (Friday 16:00) are due; back at 15:45.
        SetClock("2026-11-27T15:30:00Z");
        await _host.RestartAsync();
        SetClock("2026-11-27T15:45:00Z");
        Assert.Equal((0, 0, 0), await AllJobsAsync());

        SetClock("2026-11-27T16:00:00Z");
        Assert.Equal((0, 0, 1), await AllJobsAsync());
        SetClock("2026-11-27T19:00:00Z");
        Assert.Equal((0, 2, 0), await AllJobsAsync());
        Assert.Equal((0, 0, 0), await AllJobsAsync());

        // What the new process delivered: no prompt, one reminder each, Ada's follow-up.
        Assert.Equal(0, InboxCount("ada", "prompt") + InboxCount("bob", "prompt"));
        Assert.Equal(1, InboxCount("ada", "reminder"));
        Assert.Equal(1, InboxCount("bob", "reminder"));
        Assert.Equal(1, InboxCount("ada", "followup"));

        // And a second restart later in the week changes nothing.
        SetClock("2026-11-28T10:00:00Z");
        await _host.RestartAsync();
        Assert.Equal((0, 0, 0), await AllJobsAsync());
        Assert.Empty(_host.Inbox("ada"));
        Assert.Equal(new Dictionary<string, int>
        {
            ["prompt:ada"] = 1, ["prompt:bob"] = 1, ["reminder:ada"] = 1, ["reminder:bob"] = 1, ["followup:ada"] = 1,
        }, await SentAsync());
    }
}
