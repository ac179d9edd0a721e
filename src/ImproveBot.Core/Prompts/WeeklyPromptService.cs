using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Scheduling;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace ImproveBot.Core.Prompts;

/// <summary>
/// Queues the weekly prompt DM for every member whose prompt time has come.
/// </summary>
/// <remarks>
/// Safe to run at any moment and as often as wanted: the (round, member) delivery row and the outbox
/// idempotency key make a second run a no-op, and a run after downtime catches up on prompts that fell
/// due meanwhile, as long as their round is still open.
/// </remarks>
public sealed partial class WeeklyPromptService(
    IMemberDirectory directory,
    IRoundStore rounds,
    IOutbox outbox,
    IUnitOfWork unitOfWork,
    RoundCalendar calendar,
    TimeProvider time,
    ILogger<WeeklyPromptService> logger)
{
    // Commit in batches so a 10,000-member fan-out is neither one huge transaction nor 10,000 tiny ones.
    private const int BatchSize = 200;

    /// <summary>Prompts every active member of every team whose prompt is due; returns how many were queued.</summary>
    public async Task<int> PromptDueMembersAsync(CancellationToken ct)
    {
        var queued = 0;
        foreach (var team in await directory.ListTeamsAsync(ct))
        {
            queued += await PromptTeamAsync(team, forcedDate: null, ct);
        }
        return queued;
    }

    /// <summary>Prompts every active member of one team now, as if the prompt time had come for all of them.</summary>
    public async Task<int> PromptTeamNowAsync(long teamId, CancellationToken ct)
    {
        var team = await directory.GetTeamAsync(teamId, ct) ?? throw new ArgumentException($"No team {teamId}.", nameof(teamId));
        return await PromptTeamAsync(team, RoundCalendar.CurrentPromptDate(team, time.GetUtcNow()), ct);
    }

    private async Task<int> PromptTeamAsync(Team team, LocalDate? forcedDate, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var instant = Instant.FromDateTimeOffset(now);
        var members = await directory.ListMembersAsync(team.Id, ct);
        var roundsByDate = new Dictionary<LocalDate, (ReflectionRound Round, IReadOnlySet<long> Delivered)>();
        var queued = 0;
        var staged = 0;

        foreach (var member in members)
        {
            if (!member.IsActiveAt(now)) continue;

            var occurrence = forcedDate is { } date
                ? new PromptOccurrence(date, instant)
                : PromptCalendar.LatestAtOrBefore(instant, team.PromptDay, team.PromptTime, RoundCalendar.ZoneOf(member.TimeZone, team));

            // A member only ever gets the round named by their own latest occurrence; one that has closed is
            // not worth prompting for (the bot was down past the window) and waits for next week.
            if (!roundsByDate.TryGetValue(occurrence.Date, out var entry))
            {
                var found = await rounds.FindRoundAsync(team.Id, occurrence.Date, ct);
                if (found is null && now >= RoundCalendar.ClosesAt(team, occurrence.Date)) continue;
                var round = found ?? await calendar.GetOrCreateAsync(team, occurrence.Date, now, ct);
                entry = (round, await rounds.DeliveredMemberIdsAsync(round.Id, ct));
                roundsByDate[occurrence.Date] = entry;
            }
            if (now >= entry.Round.ClosesAt || entry.Delivered.Contains(member.Id)) continue;

            rounds.AddDelivery(new PromptDelivery(entry.Round.Id, member.Id, occurrence.DueAt.ToDateTimeOffset(), now));
            var message = new OutboundMessage(
                $"prompt:{entry.Round.Id}:{member.Id}",
                Destination.DirectMessage(member.Ref),
                new PromptMessage(entry.Round.Id, entry.Round.PromptDate.ToDateOnly(), member.DisplayName, team.Questions.ToList()));
            await outbox.EnqueueAsync(message, new PromptDeliveryRef(entry.Round.Id, member.Id), now, ct);
            queued++;
            if (++staged >= BatchSize)
            {
                await unitOfWork.SaveChangesAsync(ct);
                staged = 0;
            }
        }

        if (staged > 0) await unitOfWork.SaveChangesAsync(ct);
        if (queued > 0) LogPromptsQueued(logger, queued, team.Id);
        return queued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} weekly prompts for team {TeamId}")]
    private static partial void LogPromptsQueued(ILogger logger, int count, long teamId);
}
