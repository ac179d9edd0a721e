using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Core.Digest;

/// <summary>Builds each round's digest when its reflection window closes and queues it for the team channel.</summary>
internal sealed partial class DigestService(
    IMemberDirectory directory,
    IRoundStore rounds,
    IIdeaStore ideas,
    IOutbox outbox,
    IUnitOfWork unitOfWork,
    Experiment.ExperimentHistory experiment,
    TimeProvider time,
    ILogger<DigestService> logger)
{
    /// <summary>How many weeks the monthly experiment section looks back.</summary>
    public const int ExperimentWeeks = 4;

    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>Posts the digest of every round whose window has closed; returns how many were queued.</summary>
    public async Task<int> PostDueDigestsAsync(CancellationToken ct)
    {
        var queued = 0;
        foreach (var round in await rounds.ListDigestDueAsync(time.GetUtcNow(), ct))
        {
            var team = await directory.GetTeamAsync(round.TeamId, ct);
            if (team is null) continue;
            if (await PostAsync(team, round, round.ClosesAt, $"digest:{round.Id}", ct)) queued++;
        }
        return queued;
    }

    /// <summary>Posts the digest of the team's latest round now, covering the last seven days.</summary>
    /// <returns>The queued digest, or null when the team has no digest channel.</returns>
    public async Task<TeamDigest?> PostNowAsync(long teamId, CancellationToken ct)
    {
        var team = await directory.GetTeamAsync(teamId, ct) ?? throw new ArgumentException($"No team {teamId}.", nameof(teamId));
        var now = time.GetUtcNow();
        var round = await rounds.LatestRoundAsync(teamId, ct);
        // The period's end is exclusive; one store tick (a millisecond) past now includes what was logged this instant.
        var digest = await BuildAsync(team, round, now.AddMilliseconds(1), ct);
        // Several manual digests may be wanted (after fixing a typo, say), so each gets its own key.
        return await QueueAsync(team, round, digest, $"digest:{team.Id}:manual:{now.ToUnixTimeMilliseconds()}", ct) ? digest : null;
    }

    /// <summary>Builds the digest for a round (or for no round: participation is then zero) over the week before <paramref name="periodEnd"/>.</summary>
    public async Task<TeamDigest> BuildAsync(Team team, ReflectionRound? round, DateTimeOffset periodEnd, CancellationToken ct)
    {
        var periodStart = periodEnd - Week;
        IReadOnlyList<PromptDelivery> deliveries = round is null ? [] : await rounds.ListDeliveriesAsync(round.Id, ct);
        IReadOnlyList<Reflection> reflections = round is null ? [] : await rounds.ListReflectionsAsync(round.Id, ct);
        var rows = (await ideas.ListForDigestAsync(team.Id, periodStart, periodEnd, ct))
            .Select(i => new DigestIdeaRow(i.Id, i.Text, i.Tags, i.Source, i.Visibility, i.Status, i.AuthorName, i.Votes,
                i.CreatedAt, i.StatusChangedAt, i.Outcome, i.Value, i.OutcomeAt))
            .ToList();
        // Once a month (the first round of each month) the digest says how the experiment is going.
        var monthly = round is not null && round.PromptDate.Day <= 7
            ? await experiment.ForTeamAsync(team.Id, periodEnd, ExperimentWeeks, ct)
            : null;
        var input = new DigestInput(
            team.Name,
            round?.PromptDate.ToDateOnly() ?? DateOnly.FromDateTime(periodEnd.UtcDateTime),
            periodStart,
            periodEnd,
            MembersPrompted: deliveries.Count(d => d.SentAt is not null || d.Status is DeliveryStatus.Answered or DeliveryStatus.Skipped),
            MembersReflected: reflections.Count,
            MembersSkipped: deliveries.Count(d => d.Status == DeliveryStatus.Skipped),
            ReflectionDurations: reflections.Select(r => r.Duration).ToList(),
            Ideas: rows,
            Experiment: monthly);
        return DigestBuilder.Build(input);
    }

    private async Task<bool> PostAsync(Team team, ReflectionRound round, DateTimeOffset periodEnd, string key, CancellationToken ct)
    {
        var digest = await BuildAsync(team, round, periodEnd, ct);
        return await QueueAsync(team, round, digest, key, ct);
    }

    private async Task<bool> QueueAsync(Team team, ReflectionRound? round, TeamDigest digest, string key, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (round is not null) round.DigestPostedAt ??= now;
        if (team.DigestChannel is not { Length: > 0 } channel)
        {
            // Marked as posted anyway: a round without a channel must not be retried every minute.
            LogNoChannel(logger, team.Id);
            await unitOfWork.SaveChangesAsync(ct);
            return false;
        }
        var queued = await outbox.EnqueueAsync(
            new OutboundMessage(key, Destination.Channel(team.Platform, team.TenantId, channel), new DigestMessage(digest)),
            delivery: null, now, ct);
        try
        {
            await unitOfWork.SaveChangesAsync(ct);
        }
        catch (DuplicateKeyException)
        {
            // Another request queued the same key between our check and our insert (two "digest now" at one instant,
            // or two instances on one round): that digest goes out once, which is what the key is for.
            unitOfWork.Reset();
            await unitOfWork.SaveChangesAsync(ct);
            queued = false;
        }
        if (queued) LogDigestQueued(logger, team.Id, key);
        return queued;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Team {TeamId} has no digest channel; skipping its digest (set one with /improve config channel)")]
    private static partial void LogNoChannel(ILogger logger, long teamId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued digest {Key} for team {TeamId}")]
    private static partial void LogDigestQueued(ILogger logger, long teamId, string key);
}
