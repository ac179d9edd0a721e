using System.Globalization;
using ImproveBot.Core.Commands;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Core.Reflections;

/// <summary>A reflection as a member submitted it: one answer per question and free-form idea lines.</summary>
public sealed record ReflectionSubmission(IReadOnlyList<string> Answers, IReadOnlyList<string> IdeaLines, long? RoundId = null);

/// <summary>Starting, submitting and skipping the weekly reflection.</summary>
public sealed partial class ReflectionService(
    IRoundStore rounds,
    IIdeaStore ideas,
    IUnitOfWork unitOfWork,
    RoundCalendar calendar,
    TimeProvider time,
    ILogger<ReflectionService> logger)
{
    /// <summary>Longest answer accepted per question (Discord's text input limit, so every platform agrees).</summary>
    public const int MaxAnswerLength = 4000;

    /// <summary>Most ideas taken from one reflection.</summary>
    public const int MaxIdeasPerReflection = 20;

    /// <summary>Records the start of the 20-minute session and returns the reflection form.</summary>
    public async Task<Reply> StartAsync(Member member, Team team, long? roundId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (delivery, round) = await FindOrCreateDeliveryAsync(member, team, roundId, now, ct);
        if (round is null || delivery is null) return Reply.Of("That reflection round is over. Your next prompt comes with next week's round.");
        if (delivery.Status == DeliveryStatus.Answered)
            return new Reply("You already reflected this week — submitting again replaces your answers and adds new ideas.", Form: BuildForm(team, round));
        delivery.MarkStarted(now);
        await unitOfWork.SaveChangesAsync(ct);
        return new Reply("Take 20 minutes. The clock started now; submit the form when you are done.", Form: BuildForm(team, round));
    }

    /// <summary>Stores a reflection (replacing an earlier one of the same round) and one idea per non-empty idea line.</summary>
    public async Task<InteractionResult> SubmitAsync(Member member, Team team, ReflectionSubmission submission, CancellationToken ct)
    {
        var errors = Validate(team, submission, out var parsedIdeas);
        if (errors.Count > 0)
            return new InteractionResult(Reply.Of("Please fix: " + string.Join(" ", errors.Values)), errors, []);

        var now = time.GetUtcNow();
        var (delivery, round) = await FindOrCreateDeliveryAsync(member, team, submission.RoundId, now, ct);
        if (round is null || delivery is null)
        {
            var closed = new Dictionary<string, string> { ["round"] = "That reflection round is closed." };
            return new InteractionResult(Reply.Of("That reflection round is over, so nothing was stored. Next week's prompt will come as usual."), closed, []);
        }

        var answers = submission.Answers.Select(a => a.Trim()).ToList();
        var reflection = await rounds.FindReflectionAsync(round.Id, member.Id, ct);
        var knownTexts = new HashSet<string>(StringComparer.Ordinal);
        if (reflection is null)
        {
            reflection = new Reflection(round.Id, member.Id, answers, delivery.StartedAt, now);
            rounds.AddReflection(reflection);
        }
        else
        {
            // A second submission edits the first; ideas already stored from it are not added twice.
            reflection.Replace(answers, now);
            foreach (var existing in await ideas.SearchAsync(new IdeaQuery(team.Id, member.Id, AuthorId: member.Id, Limit: 500), ct))
                knownTexts.Add(existing.Text);
        }

        var added = new List<Idea>();
        foreach (var idea in parsedIdeas)
        {
            if (!knownTexts.Add(idea.Text)) continue;
            var entity = new Idea(team.Id, member.Id, idea.Text, idea.Tags, IdeaSource.Reflection,
                idea.Visibility ?? team.DefaultVisibility, now, reflection);
            entity.PlanFollowUp(team.FollowUpDelay.ToTimeSpan());
            ideas.Add(entity);
            added.Add(entity);
        }
        delivery.MarkAnswered(now);
        await unitOfWork.SaveChangesAsync(ct);
        LogReflectionStored(logger, member.Id, round.Id, added.Count);

        var minutes = reflection.Duration is { } d ? $" ({Wording.Count(Math.Max(1, (int)Math.Round(d.TotalMinutes)), "minute")})" : "";
        var ideaList = added.Count == 0 ? "" : " Ideas: " + string.Join(", ", added.Select(i => "#" + i.Id.ToString(CultureInfo.InvariantCulture))) + ".";
        return new InteractionResult(
            Reply.Of($"Thank you! Your reflection is saved{minutes}, with {Wording.Count(added.Count, "new idea")}.{ideaList}"),
            InteractionResult.NoErrors, added.Select(i => i.Id).ToList());
    }

    /// <summary>Marks this week's prompt as skipped: no reminder, counted as skipped in the digest.</summary>
    public async Task<Reply> SkipAsync(Member member, Team team, long? roundId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (delivery, round) = await FindOrCreateDeliveryAsync(member, team, roundId, now, ct);
        if (round is null || delivery is null) return Reply.Of("That round is already over — nothing to skip.");
        if (delivery.Status == DeliveryStatus.Answered) return Reply.Of("You already reflected this week, so there is nothing to skip.");
        delivery.MarkSkipped(now);
        await unitOfWork.SaveChangesAsync(ct);
        return Reply.Of("Skipped this week. See you next week!");
    }

    /// <summary>The reflection form: one field per team question plus the ideas field.</summary>
    public static ChatForm BuildForm(Team team, ReflectionRound round)
    {
        var fields = team.Questions
            .Select((q, i) => new ChatFormField(PromptActions.AnswerField(i), q, Multiline: true, Required: false, MaxAnswerLength))
            .Append(new ChatFormField(PromptActions.IdeasField, "Ideas to try (one per line, #tags welcome)", Multiline: true,
                Required: false, MaxAnswerLength, "Read the abstract and conclusion before deciding to read a paper #reading"))
            .ToList();
        return new ChatForm(PromptActions.Submit(round.Id), "Weekly improvement reflection", fields);
    }

    private static Dictionary<string, string> Validate(Team team, ReflectionSubmission submission, out List<LogIdeaCommand> parsed)
    {
        var errors = new Dictionary<string, string>();
        parsed = [];
        for (var i = 0; i < submission.Answers.Count; i++)
        {
            if (submission.Answers[i].Length > MaxAnswerLength)
                errors[PromptActions.AnswerField(i)] = $"Answer {i + 1} is {submission.Answers[i].Length} characters; the limit is {MaxAnswerLength}.";
        }
        if (submission.Answers.Count > Math.Max(team.Questions.Count, 1) + 5)
            errors["answers"] = "There are more answers than questions.";

        var lines = submission.IdeaLines.SelectMany(l => l.Split('\n')).Select(l => l.Trim().TrimStart('-', '*', '•').Trim())
            .Where(l => l.Length > 0).ToList();
        if (lines.Count > MaxIdeasPerReflection)
            errors[PromptActions.IdeasField] = $"Please keep it to {MaxIdeasPerReflection} ideas per reflection (you wrote {lines.Count}).";
        foreach (var line in lines.Take(MaxIdeasPerReflection))
        {
            switch (CommandParser.Parse("/idea", line))
            {
                case { Command: LogIdeaCommand idea }:
                    parsed.Add(idea);
                    break;
                case { Hint: { } hint }:
                    errors.TryAdd(PromptActions.IdeasField, $"Idea \"{Shorten(line)}\": {hint}");
                    break;
            }
        }
        if (submission.Answers.All(string.IsNullOrWhiteSpace) && lines.Count == 0)
            errors["answers"] = "The reflection is empty: answer at least one question or write one idea.";
        return errors;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    // The delivery a button or form refers to; a member who reflects without having been prompted
    // (e.g. `/improve reflect`) gets one in the current round, which also stops a prompt coming later.
    private async Task<(PromptDelivery? Delivery, ReflectionRound? Round)> FindOrCreateDeliveryAsync(
        Member member, Team team, long? roundId, DateTimeOffset now, CancellationToken ct)
    {
        ReflectionRound? round;
        PromptDelivery? delivery;
        if (roundId is { } id)
        {
            round = await rounds.GetRoundAsync(id, ct);
            if (round is null || round.TeamId != team.Id || now >= round.ClosesAt) return (null, null);
            delivery = await rounds.FindDeliveryAsync(round.Id, member.Id, ct);
        }
        else
        {
            delivery = await rounds.FindOpenDeliveryForMemberAsync(member.Id, now, ct);
            if (delivery is not null) return (delivery, await rounds.GetRoundAsync(delivery.RoundId, ct));
            round = await calendar.GetOrCreateAsync(team, RoundCalendar.CurrentPromptDate(team, now), now, ct);
            delivery = await rounds.FindDeliveryAsync(round.Id, member.Id, ct);
        }

        if (delivery is null)
        {
            delivery = new PromptDelivery(round.Id, member.Id, now, now);
            delivery.MarkSent(now);
            rounds.AddDelivery(delivery);
            await unitOfWork.SaveChangesAsync(ct);
        }
        return (delivery, round);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored reflection of member {MemberId} for round {RoundId} with {IdeaCount} new ideas")]
    private static partial void LogReflectionStored(ILogger logger, long memberId, long roundId, int ideaCount);
}
