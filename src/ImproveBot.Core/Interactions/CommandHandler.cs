using System.Globalization;
using System.Text;
using ImproveBot.Core.Commands;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Experiment;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Ideas.Similarity;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Scheduling;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Text;

namespace ImproveBot.Core.Interactions;

/// <summary>Carries out a parsed command for a member and says what happened, in the member's words.</summary>
internal sealed partial class CommandHandler(
    IMemberDirectory directory,
    IIdeaStore ideas,
    IUnitOfWork unitOfWork,
    Deferred<ReflectionService> reflections,
    Deferred<DigestService> digests,
    Deferred<ExperimentHistory> experiment,
    TeamIdeaIndex ideaIndex,
    Deferred<IOutbox> outbox,
    TimeProvider time,
    ILogger<CommandHandler> logger)
{
    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;

    public async Task<Reply> HandleAsync(Member member, Team team, BotCommand command, CancellationToken ct)
    {
        if (command is IAdminCommand && !member.IsAdmin)
        {
            LogAdminRefused(logger, member.Id, command.GetType().Name);
            return Reply.Of("Only team admins can do that. Ask an admin of your workspace or server.");
        }

        return command switch
        {
            LogIdeaCommand c => await LogIdeaAsync(member, team, c, ct),
            ListIdeasCommand c => await ListIdeasAsync(member, team, c, ct),
            StartReflectionCommand => await reflections.Value.StartAsync(member, team, roundId: null, ct),
            SetIdeaStatusCommand c => await SetStatusAsync(member, team, c, ct),
            VoteCommand c => await VoteAsync(member, team, c.IdeaId, ct),
            PauseForCommand c => await PauseAsync(member, time.GetUtcNow().AddDays(c.Days), ct),
            PauseUntilCommand c => await PauseUntilAsync(member, team, c.Date, ct),
            ResumeCommand => await SetMemberAsync(member, m => m.PausedUntil = null, "Welcome back! Prompts resume with the next round.", ct),
            OptOutCommand => await SetMemberAsync(member, m => m.OptedIn = false,
                "You are opted out: no more prompts or reminders. Your ideas stay; `/improve optin` brings you back, `/improve forget-me` deletes everything.", ct),
            OptInCommand => await SetMemberAsync(member, m => m.OptedIn = true, "You are in! Your next prompt comes with the next round.", ct),
            StatsCommand => await StatsAsync(member, ct),
            SetTimeZoneCommand c => await SetTimeZoneAsync(member, team, c.ZoneId, ct),
            ForgetMeCommand c => await ForgetMeAsync(member, c, ct),
            ExportCommand => await ExportAsync(member, ct),
            HelpCommand c => Reply.Of(CommandHelp.For(c.Topic)),
            ConfigureScheduleCommand c => await ConfigureAsync(team, t =>
            {
                t.PromptDay = c.Day;
                t.PromptTime = c.Time;
                if (c.ZoneId is not null) t.TimeZone = c.ZoneId;
            }, $"Prompts now go out on {c.Day} at {c.Time.ToString("HH:mm", CultureInfo.InvariantCulture)}, in each member's own time zone{(c.ZoneId is null ? "" : $"; the team's zone is {c.ZoneId}")}.", ct),
            ConfigureChannelCommand c => await ConfigureAsync(team, t => t.DigestChannel = c.ChannelId, $"Digests will be posted to channel {c.ChannelId}.", ct),
            ConfigureQuestionsCommand c => await ConfigureAsync(team, t => t.Questions = c.Questions.ToList(),
                $"Saved {Wording.Count(c.Questions.Count, "reflection question")}.", ct),
            ConfigureReminderCommand c => await ConfigureAsync(team, t => t.ReminderDelay = c.Delay,
                c.Delay == Duration.Zero ? "Reminders are off." : $"Members who have not answered get one reminder {Describe(c.Delay)} after the prompt.", ct),
            PostDigestNowCommand => await PostDigestNowAsync(team, ct),
            _ => Reply.Of(CommandHelp.For(null)),
        };
    }

    private async Task<Reply> LogIdeaAsync(Member member, Team team, LogIdeaCommand command, CancellationToken ct)
    {
        var idea = new Idea(team.Id, member.Id, command.Text, command.Tags, IdeaSource.InFlow,
            command.Visibility ?? team.DefaultVisibility, time.GetUtcNow());
        idea.PlanFollowUp(team.FollowUpDelay.ToTimeSpan());
        // Committed with whatever other ideas arrive at the same moment: one durable write for a burst of /idea.
        await ideas.AddAndCommitAsync(idea, ct);
        var visibility = idea.Visibility switch
        {
            IdeaVisibility.Private => " (private: only you can see it)",
            IdeaVisibility.Anonymous => " (shared anonymously)",
            _ => "",
        };
        var saved = $"Saved idea #{idea.Id}{visibility}.";

        // Stored first, so nothing is lost; then, if it reads like an idea the member can already see, offer a +1 instead.
        // The team's ideas are loaded for everyone (the index filters per viewer), private ones included.
        var similar = await ideaIndex.FindThenAddAsync(idea, member.DisplayName,
            token => ideas.SearchAsync(new IdeaQuery(team.Id, ViewerId: null, Limit: TeamIdeaIndex.Capacity, IncludeAllPrivate: true), token), ct);
        if (similar is { Idea: var match })
        {
            var quoted = $"#{match.Id} \"{MarkdownText.Escape(Shorten(match.Candidate.Text))}\"";
            if (match.AuthorId == member.Id)
            {
                return new Reply($"{saved} You already have a very similar idea: {quoted}.",
                    [new ChatAction(FollowUpActions.VoteInstead(idea.Id, match.Id), $"Keep only #{match.Id}")]);
            }
            var by = match.PublicAuthor is { } name ? $" by {MarkdownText.Escape(name)}" : "";
            return new Reply($"{saved} It reads a lot like {quoted}{by}. Would you rather +1 that one?",
                [new ChatAction(FollowUpActions.VoteInstead(idea.Id, match.Id), $"+1 #{match.Id} instead", ChatActionStyle.Primary)]);
        }

        var tags = idea.Tags.Count == 0 ? " Tip: add a #tag such as #reading or #focus to group it in the digest." : "";
        return Reply.Of(saved + tags);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private async Task<Reply> ListIdeasAsync(Member member, Team team, ListIdeasCommand command, CancellationToken ct)
    {
        var query = new IdeaQuery(team.Id, member.Id, command.Scope == IdeaScope.Mine ? member.Id : null, command.Tag, command.Search);
        var found = await ideas.SearchAsync(query, ct);
        if (found.Count == 0)
        {
            return Reply.Of(command.Scope == IdeaScope.Mine
                ? "You have no ideas matching that yet. Log one with `/idea read with a question first #reading`."
                : "No ideas match that yet. Log one with `/idea read with a question first #reading`.");
        }

        var text = new StringBuilder(command.Scope == IdeaScope.Mine ? "Your ideas:\n" : "Team ideas:\n");
        foreach (var idea in found)
        {
            var author = idea.AuthorId == member.Id ? "you" : idea.PublicAuthor ?? "anonymous";
            var tags = idea.Tags.Count == 0 ? "" : " · " + string.Join(" ", idea.Tags.Select(t => "#" + MarkdownText.Escape(t)));
            var votes = idea.Votes == 0 ? "" : $" · {Wording.Count(idea.Votes, "vote")}";
            var privacy = idea.Visibility == IdeaVisibility.Private ? " · private" : "";
            text.Append(CultureInfo.InvariantCulture,
                $"#{idea.Id} {MarkdownText.Escape(idea.Text)} — {MarkdownText.Escape(author)}{tags} · {idea.Status.ToString().ToLowerInvariant()}{votes}{privacy}\n");
        }
        // +1 buttons for other people's open team ideas in the list.
        var votable = found.Where(i => i.AuthorId != member.Id && i.Visibility != IdeaVisibility.Private
                                       && i.Status is IdeaStatus.New or IdeaStatus.Trying)
            .Take(MaxVoteButtons)
            .Select(i => new ChatAction(FollowUpActions.Vote(i.Id), $"+1 #{i.Id}"))
            .ToList();
        return new Reply(text.ToString().TrimEnd(), votable.Count > 0 ? votable : null);
    }

    private const int MaxVoteButtons = 5;

    private async Task<Reply> SetStatusAsync(Member member, Team team, SetIdeaStatusCommand command, CancellationToken ct)
    {
        var idea = await ideas.GetAsync(command.IdeaId, ct);
        if (idea is null || idea.TeamId != team.Id || (!idea.IsVisibleToTeam && idea.AuthorId != member.Id))
            return Reply.Of($"There is no idea #{command.IdeaId}. `/ideas mine` lists yours with their numbers.");
        if (idea.AuthorId != member.Id && !member.IsAdmin)
            return Reply.Of($"Only the author of #{idea.Id} (or an admin) can change its status. You can `/improve vote {idea.Id}` instead.");
        var status = command.Status.ToString().ToLowerInvariant();
        if (!idea.ChangeStatus(command.Status, time.GetUtcNow()))
            return Reply.Of($"#{idea.Id} is already {status}.");
        await unitOfWork.SaveChangesAsync(ct);
        return Reply.Of($"#{idea.Id} is now {status}.");
    }

    /// <summary>+1 for a team idea: once per member, never one's own.</summary>
    internal async Task<Reply> VoteAsync(Member member, Team team, long ideaId, CancellationToken ct)
    {
        var idea = await ideas.GetAsync(ideaId, ct);
        if (idea is null || idea.TeamId != team.Id || !idea.IsVisibleToTeam)
            return Reply.Of($"There is no team idea #{ideaId}. `/ideas` lists them with their numbers.");
        if (idea.AuthorId == member.Id) return Reply.Of("That one is your own idea — votes are for other people's ideas.");
        if (!idea.AddVote(member.Id, time.GetUtcNow())) return Reply.Of($"You already voted for #{idea.Id}.");
        try
        {
            await unitOfWork.SaveChangesAsync(ct);
        }
        catch (DuplicateKeyException)
        {
            return Reply.Of($"You already voted for #{idea.Id}.");
        }
        return Reply.Of($"+1 for #{idea.Id} ({Wording.Count(idea.Votes.Count, "vote")}).");
    }

    /// <summary>
    /// The "+1 it instead" offered when a new idea looked like an existing one: votes for the existing idea and
    /// withdraws the new one, if it is still the member's own, unvoted and unchanged.
    /// </summary>
    internal async Task<Reply> VoteInsteadAsync(Member member, Team team, long newIdeaId, long existingIdeaId, CancellationToken ct)
    {
        var fresh = await ideas.GetAsync(newIdeaId, ct);
        if (fresh is null || fresh.AuthorId != member.Id || fresh.Votes.Count > 0 || fresh.Status != IdeaStatus.New)
            return Reply.Of($"#{newIdeaId} can no longer be swapped for a vote. `/improve vote {existingIdeaId}` still works.");
        var existing = await ideas.GetAsync(existingIdeaId, ct);
        if (existing is null || existing.TeamId != team.Id || !existing.IsVisibleToTeam)
            return Reply.Of($"There is no team idea #{existingIdeaId} any more, so #{newIdeaId} stays.");
        if (existing.AuthorId == member.Id)
        {
            ideas.Remove(fresh);
            await unitOfWork.SaveChangesAsync(ct);
            ideaIndex.Removed(team.Id, newIdeaId);
            return Reply.Of($"Removed #{newIdeaId}: you already have it as #{existingIdeaId}.");
        }
        existing.AddVote(member.Id, time.GetUtcNow());
        ideas.Remove(fresh);
        await unitOfWork.SaveChangesAsync(ct);
        ideaIndex.Removed(team.Id, newIdeaId);
        return Reply.Of($"+1 for #{existingIdeaId} ({Wording.Count(existing.Votes.Count, "vote")}) instead; #{newIdeaId} is withdrawn.");
    }

    private async Task<Reply> PauseAsync(Member member, DateTimeOffset until, CancellationToken ct)
    {
        member.PausedUntil = until;
        await unitOfWork.SaveChangesAsync(ct);
        var local = Instant.FromDateTimeOffset(until).InZone(PromptCalendar.FindZone(member.TimeZone) ?? DateTimeZone.Utc).Date;
        return Reply.Of($"Paused until {DatePattern.Format(local)}. Enjoy the break! `/improve resume` ends it early.");
    }

    private async Task<Reply> PauseUntilAsync(Member member, Team team, LocalDate date, CancellationToken ct)
    {
        var zone = RoundCalendar.ZoneOf(member.TimeZone, team);
        // Compared as dates first: the start of 0001-01-01 or 9999-12-31 in some zones is outside what a DateTimeOffset holds.
        var today = Instant.FromDateTimeOffset(time.GetUtcNow()).InZone(zone).Date;
        if (date <= today)
            return Reply.Of($"{DatePattern.Format(date)} is not in the future (today is {DatePattern.Format(today)} for you). Try `/improve pause 2w` or a later date.");
        if (date > today.PlusWeeks(52))
            return Reply.Of($"{DatePattern.Format(date)} is too far ahead: {CommandHints.PauseOutOfRange()}");
        return await PauseAsync(member, date.AtStartOfDayInZone(zone).ToDateTimeOffset(), ct);
    }

    private async Task<Reply> SetMemberAsync(Member member, Action<Member> change, string confirmation, CancellationToken ct)
    {
        change(member);
        await unitOfWork.SaveChangesAsync(ct);
        return Reply.Of(confirmation);
    }

    private async Task<Reply> SetTimeZoneAsync(Member member, Team team, string zoneId, CancellationToken ct)
    {
        member.SetTimeZone(zoneId, byMember: true);
        await unitOfWork.SaveChangesAsync(ct);
        var zone = RoundCalendar.ZoneOf(zoneId, team);
        var next = PromptCalendar.NextAfter(Instant.FromDateTimeOffset(time.GetUtcNow()), team.PromptDay, team.PromptTime, zone);
        return Reply.Of($"Your time zone is now {zoneId}. Your next prompt: {next.DueAt.InZone(zone).ToString("dddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} your time.");
    }

    private async Task<Reply> StatsAsync(Member member, CancellationToken ct) =>
        Reply.Of(ExperimentText.ForMember(await experiment.Value.ForMemberAsync(member, ct)));

    private async Task<Reply> ForgetMeAsync(Member member, ForgetMeCommand command, CancellationToken ct)
    {
        if (!command.Confirmed)
        {
            return Reply.Of("This deletes everything ImproveBot stores about you: your ideas (including private ones), votes, reflections, " +
                            "follow-up answers and settings. It cannot be undone. You choose what happens to your team ideas that others voted on:\n" +
                            "• `/improve forget-me confirm` deletes them too: nothing of yours stays.\n" +
                            "• `/improve forget-me keep-voted` keeps them for the team, with their votes but without your name; everything else goes.\n" +
                            "`/improve export` first sends you a copy of your data.");
        }
        // Erased and committed in one transaction by the store.
        await directory.EraseMemberAsync(member, command.KeepVotedIdeas, ct);
        ideaIndex.Invalidate(member.TeamId);
        LogMemberErased(logger, member.Id, command.KeepVotedIdeas);
        return Reply.Of(command.KeepVotedIdeas
            ? "Done: everything ImproveBot stored about you is deleted, except the ideas others voted on, which stay without your name. If you use a command again, you start fresh."
            : "Done: everything ImproveBot stored about you is deleted. If you use a command again, you start fresh.");
    }

    /// <summary>Queues the member's data as JSON parts to their DM; the outbox delivers them like any other message.</summary>
    private async Task<Reply> ExportAsync(Member member, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var json = Privacy.PersonalDataExport.ToJson(await directory.ExportMemberAsync(member, ct), now);
        var messages = Privacy.PersonalDataExport.Messages(member, json, now);
        foreach (var message in messages) await outbox.Value.EnqueueAsync(message, delivery: null, now, ct);
        await unitOfWork.SaveChangesAsync(ct);
        LogExported(logger, member.Id, messages.Count);
        return Reply.Of($"Your data is on its way to your DMs as JSON, in {Wording.Count(messages.Count, "message")}. Join the parts in order.");
    }

    private async Task<Reply> ConfigureAsync(Team team, Action<Team> change, string confirmation, CancellationToken ct)
    {
        change(team);
        await unitOfWork.SaveChangesAsync(ct);
        return Reply.Of(confirmation);
    }

    private async Task<Reply> PostDigestNowAsync(Team team, CancellationToken ct)
    {
        if (team.DigestChannel is null)
            return Reply.Of("There is no digest channel yet. Set one with `/improve config channel <channel>` first.");
        var digest = await digests.Value.PostNowAsync(team.Id, ct);
        return Reply.Of(digest is null ? "The digest could not be queued." : $"Digest queued for channel {team.DigestChannel}.");
    }

    private static string Describe(Duration delay) =>
        delay.TotalHours >= 1 && delay.TotalHours % 1 == 0
            ? $"{delay.TotalHours.ToString(CultureInfo.InvariantCulture)} hour{(delay.TotalHours == 1 ? "" : "s")}"
            : $"{delay.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused admin command {Command} from non-admin member {MemberId}")]
    private static partial void LogAdminRefused(ILogger logger, long memberId, string command);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased member {MemberId} at their request (kept voted ideas anonymously: {KeptVotedIdeas})")]
    private static partial void LogMemberErased(ILogger logger, long memberId, bool keptVotedIdeas);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued member {MemberId}'s data export in {Parts} messages")]
    private static partial void LogExported(ILogger logger, long memberId, int parts);
}
