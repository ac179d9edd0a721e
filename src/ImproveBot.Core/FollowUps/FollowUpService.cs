using ImproveBot.Core.Ideas;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace ImproveBot.Core.FollowUps;

/// <summary>
/// Closes the loop on ideas: some weeks after an idea is logged, its author is asked whether they tried it and
/// whether it helped; the answer moves the idea to adopted, dropped or trying and records the outcome and value.
/// </summary>
internal sealed partial class FollowUpService(
    IMemberDirectory directory,
    IIdeaStore ideas,
    IOutbox outbox,
    IUnitOfWork unitOfWork,
    FollowUpPolicy policy,
    TimeProvider time,
    ILogger<FollowUpService> logger)
{
    private const int BatchSize = 500;

    /// <summary>Sends every follow-up that is due, to authors who are active and inside their working hours.</summary>
    public Task<int> SendDueAsync(CancellationToken ct) => SendAsync(teamId: null, asIfDue: false, ct);

    /// <summary>Sends the team's planned follow-ups now, as if they were due (working hours aside; pauses still count).</summary>
    public Task<int> SendTeamNowAsync(long teamId, CancellationToken ct) => SendAsync(teamId, asIfDue: true, ct);

    private async Task<int> SendAsync(long? teamId, bool asIfDue, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var instant = Instant.FromDateTimeOffset(now);
        var due = await ideas.ListFollowUpsDueAsync(asIfDue ? null : now, teamId, BatchSize, ct);
        var members = new Dictionary<long, Member?>();
        var teams = new Dictionary<long, Team?>();
        var sent = 0;
        foreach (var idea in due)
        {
            if (!members.TryGetValue(idea.AuthorId, out var author))
                members[idea.AuthorId] = author = await directory.GetMemberAsync(idea.AuthorId, ct);
            if (!teams.TryGetValue(idea.TeamId, out var team))
                teams[idea.TeamId] = team = await directory.GetTeamAsync(idea.TeamId, ct);
            if (author is null || team is null || !author.IsActiveAt(now)) continue;
            // Not now: the idea stays due and goes out on the first sweep inside the author's working hours.
            if (!asIfDue && !policy.IsWorkingTime(instant, RoundCalendar.ZoneOf(author.TimeZone, team))) continue;

            var message = new OutboundMessage(
                $"followup:{idea.Id}:{idea.FollowUpCount + 1}",
                Destination.DirectMessage(author.Ref),
                new FollowUpMessage(idea.Id, idea.Text, DateOnly.FromDateTime(idea.CreatedAt.UtcDateTime), idea.FollowUpCount + 1));
            // Already queued: a run beside this one asked first and recorded it. Marking the idea again from this run's
            // older read would overwrite that run's count with a smaller one.
            if (!await outbox.EnqueueAsync(message, delivery: null, now, ct)) continue;
            idea.MarkFollowUpSent(now, team.FollowUpDelay.ToTimeSpan());
            sent++;
        }
        try
        {
            await unitOfWork.SaveChangesAsync(ct);
        }
        catch (DuplicateKeyException)
        {
            // Another run queued some of the same follow-ups first (the playground's "run now" beside a sweep). Saving the
            // rest would mark ideas as asked whose message was dropped with the batch: keep nothing, the next run sees the truth.
            unitOfWork.DiscardChanges();
            LogConcurrentRun(logger);
            return 0;
        }
        if (sent > 0) LogSent(logger, sent);
        return sent;
    }

    /// <summary>Records the author's answer to a follow-up, and a value rating when one came with it.</summary>
    public async Task<InteractionResult> AnswerAsync(Member member, Team team, long ideaId, FollowUpAnswer? answer, int? value, CancellationToken ct)
    {
        var idea = await ideas.GetAsync(ideaId, ct);
        if (idea is null || idea.AuthorId != member.Id)
            return InteractionResult.Refused("That follow-up is not about one of your ideas (it may have been deleted).");
        if (value is < 1 or > 5)
            return InteractionResult.Refused("A value rating is a whole number from 1 (not worth it) to 5 (a big help).");

        var now = time.GetUtcNow();
        if (answer is { } a)
        {
            if (!idea.IsOpen && a == FollowUpAnswer.NotYet)
                return InteractionResult.Done($"#{idea.Id} is already {idea.Status.ToString().ToLowerInvariant()}; nothing to follow up.");
            idea.RecordAnswer(a, now, team.FollowUpDelay.ToTimeSpan());
        }
        if (value is { } v) idea.Rate(v, now);
        await unitOfWork.SaveChangesAsync(ct);

        var rating = value is { } r ? $" Rated {r}/5." : "";
        var text = answer switch
        {
            FollowUpAnswer.Helped => $"Great to hear! #{idea.Id} is now adopted and will show under what worked in the digest.{rating} How valuable was it? Rate it 1–5 any time with the buttons.",
            FollowUpAnswer.DidNotHelp => $"Thanks, that is worth knowing too. #{idea.Id} is dropped, as tried without help.{rating}",
            FollowUpAnswer.NotYet when idea.FollowUpDueAt is { } next => $"No problem, #{idea.Id} stays on your list. I'll ask again around {next:yyyy-MM-dd}.",
            FollowUpAnswer.NotYet => $"No problem, #{idea.Id} stays on your list as trying. I won't ask about it again.",
            FollowUpAnswer.Drop => $"Dropped #{idea.Id}. Not every idea is worth trying.",
            _ => $"Thanks! #{idea.Id} is rated {value}/5.",
        };
        return InteractionResult.Done(text);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} idea follow-ups")]
    private static partial void LogSent(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another run queued the same follow-ups first; this run left them to it")]
    private static partial void LogConcurrentRun(ILogger logger);
}
