using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Core.Prompts;

/// <summary>Sends the one reminder to members who have not answered the prompt after the team's reminder delay.</summary>
public sealed partial class ReminderService(
    IMemberDirectory directory,
    IRoundStore rounds,
    IOutbox outbox,
    IUnitOfWork unitOfWork,
    TimeProvider time,
    ILogger<ReminderService> logger)
{
    /// <summary>Reminds every member whose reminder is due; returns how many were queued.</summary>
    public async Task<int> RemindDueMembersAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var teams = new Dictionary<long, Team?>();
        var roundCache = new Dictionary<long, ReflectionRound?>();
        var queued = 0;
        foreach (var delivery in await rounds.ListAwaitingAnswerAsync(now, ct))
        {
            if (!roundCache.TryGetValue(delivery.RoundId, out var round))
                roundCache[delivery.RoundId] = round = await rounds.GetRoundAsync(delivery.RoundId, ct);
            if (round is null) continue;
            if (!teams.TryGetValue(round.TeamId, out var team))
                teams[round.TeamId] = team = await directory.GetTeamAsync(round.TeamId, ct);
            if (team is null || team.ReminderDelay <= NodaTime.Duration.Zero) continue;
            if (delivery.SentAt is not { } sentAt || sentAt + team.ReminderDelay.ToTimeSpan() > now) continue;
            if (await QueueReminderAsync(delivery, round, now, ct)) queued++;
        }
        await unitOfWork.SaveChangesAsync(ct);
        if (queued > 0) LogRemindersQueued(logger, queued);
        return queued;
    }

    /// <summary>Length of the reflection session the prompt asks for; the "time is up" nudge comes after it.</summary>
    public static readonly TimeSpan SessionLength = TimeSpan.FromMinutes(20);

    /// <summary>Sends "time is up" to members who pressed Start 20 minutes ago and have not submitted; returns how many.</summary>
    public async Task<int> NudgeTimeUpAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var queued = 0;
        foreach (var delivery in await rounds.ListStartedUnansweredAsync(now - SessionLength, now, ct))
        {
            var member = await directory.GetMemberAsync(delivery.MemberId, ct);
            var round = await rounds.GetRoundAsync(delivery.RoundId, ct);
            if (member is null || round is null) continue;
            delivery.MarkNudged(now);
            var message = new OutboundMessage($"timeup:{round.Id}:{member.Id}", Destination.DirectMessage(member.Ref),
                new TimeUpMessage(round.Id, round.PromptDate.ToDateOnly()));
            if (await outbox.EnqueueAsync(message, delivery: null, now, ct)) queued++;
        }
        await unitOfWork.SaveChangesAsync(ct);
        return queued;
    }

    /// <summary>Reminds every unanswered member of the team's latest round now, whatever the delay.</summary>
    public async Task<int> RemindTeamNowAsync(long teamId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var round = await rounds.LatestRoundAsync(teamId, ct);
        if (round is null) return 0;
        var queued = 0;
        foreach (var delivery in await rounds.ListDeliveriesAsync(round.Id, ct))
        {
            if (delivery.Status == DeliveryStatus.Sent && await QueueReminderAsync(delivery, round, now, ct)) queued++;
        }
        await unitOfWork.SaveChangesAsync(ct);
        return queued;
    }

    private async Task<bool> QueueReminderAsync(PromptDelivery delivery, ReflectionRound round, DateTimeOffset now, CancellationToken ct)
    {
        var member = await directory.GetMemberAsync(delivery.MemberId, ct);
        if (member is null || !member.IsActiveAt(now)) return false;
        delivery.MarkReminded(now);
        var message = new OutboundMessage(
            $"reminder:{round.Id}:{member.Id}",
            Destination.DirectMessage(member.Ref),
            new ReminderMessage(round.Id, round.PromptDate.ToDateOnly()));
        return await outbox.EnqueueAsync(message, delivery: null, now, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} reminders")]
    private static partial void LogRemindersQueued(ILogger logger, int count);
}
