using ImproveBot.Core.Commands;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Core.Interactions;

/// <summary>
/// The one entry point every platform adapter calls for what a person does: a slash command, a button,
/// a form submission, a plain reflection reply. Adapters verify and parse their payloads, then call this.
/// </summary>
internal sealed partial class BotFrontDoor(
    MemberService members,
    MemberCache memberCache,
    CommandHandler commands,
    Deferred<ReflectionService> reflections,
    Deferred<FollowUps.FollowUpService> followUps,
    IUnitOfWork unitOfWork,
    TimeProvider time,
    ILogger<BotFrontDoor> logger)
{
    /// <summary>How long the Pause button on a prompt pauses for.</summary>
    public static readonly TimeSpan PauseButtonDuration = TimeSpan.FromDays(14);

    /// <summary>Handles a command typed as one line, e.g. <c>/idea read with a question first #reading</c>.</summary>
    public Task<Reply> HandleCommandTextAsync(MemberIdentity who, string? text, CancellationToken ct) =>
        NotSavedOnStorageFailureAsync(who, HandleParsedAsync(who, CommandParser.Parse(text ?? ""), ct));

    /// <summary>Handles a command as platforms deliver it: the command name and its argument text apart.</summary>
    public Task<Reply> HandleCommandAsync(MemberIdentity who, string? command, string? arguments, CancellationToken ct) =>
        NotSavedOnStorageFailureAsync(who, HandleParsedAsync(who, CommandParser.Parse(command ?? "", arguments ?? ""), ct));

    /// <summary>What a person is told when the database refused their change: the platforms do not retry commands.</summary>
    internal const string NotSaved =
        "Not saved: ImproveBot could not write to its database just now (it is busy or out of space). Nothing was stored; please try again in a minute.";

    // Slack does not retry slash commands or modal submissions and Discord retries no interaction, so a storage failure
    // is answered, not thrown: the person must learn that nothing was stored. (Slack Events, which Slack does retry,
    // go through SubmitReflectionAsync and still throw, so the adapter answers non-2xx and Slack delivers again.)
    private async Task<Reply> NotSavedOnStorageFailureAsync(MemberIdentity who, Task<Reply> work)
    {
        try
        {
            return await work;
        }
        catch (StorageUnavailableException ex)
        {
            LogNotSaved(logger, who.Ref.Platform, ex.Reason, ex.InnerException?.Message ?? ex.Message);
            return Reply.Of(NotSaved);
        }
    }

    /// <summary>Handles a button press or form submission identified by its action id.</summary>
    /// <param name="values">Form fields, or extra values of a button (e.g. <c>value</c> = 1–5 with a follow-up answer).</param>
    public async Task<InteractionResult> HandleActionAsync(MemberIdentity who, string? actionId,
        IReadOnlyDictionary<string, string>? values, CancellationToken ct)
    {
        try
        {
            return await HandleActionCoreAsync(who, actionId, values, ct);
        }
        catch (StorageUnavailableException ex)
        {
            // Refused rather than done: a form stays open with what was typed, so a second try loses nothing.
            LogNotSaved(logger, who.Ref.Platform, ex.Reason, ex.InnerException?.Message ?? ex.Message);
            return InteractionResult.Refused(NotSaved);
        }
    }

    private async Task<InteractionResult> HandleActionCoreAsync(MemberIdentity who, string? actionId,
        IReadOnlyDictionary<string, string>? values, CancellationToken ct)
    {
        values ??= new Dictionary<string, string>();
        memberCache.Forget(who.Ref); // a button may change the member (Pause)
        if (PromptActions.TryParse(actionId, out var verb, out var roundId))
        {
            var (member, team) = await members.EnsureAsync(who, ct);
            return verb switch
            {
                "start" => InteractionResult.Done(await reflections.Value.StartAsync(member, team, roundId, ct)),
                "skip" => InteractionResult.Done(await reflections.Value.SkipAsync(member, team, roundId, ct)),
                "pause" => InteractionResult.Done(await PauseAsync(member, ct)),
                "submit" => await reflections.Value.SubmitAsync(member, team, FormSubmission(team.Questions.Count, values, roundId), ct),
                _ => UnknownAction,
            };
        }

        if (FollowUpActions.TryParse(actionId, out var prefix, out verb, out var first, out var second))
        {
            var (member, team) = await members.EnsureAsync(who, ct);
            switch (prefix, verb)
            {
                case ("followup", "rate") when second is >= 1 and <= 5:
                    return await followUps.Value.AnswerAsync(member, team, first, answer: null, (int)second, ct);
                case ("followup", _) when FollowUpActions.ParseAnswer(verb) is { } answer && second == 0:
                    int? rating = int.TryParse(values.GetValueOrDefault("value"), out var v) ? v : null;
                    return await followUps.Value.AnswerAsync(member, team, first, answer, rating, ct);
                case ("idea", "vote") when second == 0:
                    return InteractionResult.Done(await commands.VoteAsync(member, team, first, ct));
                case ("idea", "merge") when second > 0:
                    return InteractionResult.Done(await commands.VoteInsteadAsync(member, team, first, second, ct));
            }
        }
        return UnknownAction;
    }

    private static InteractionResult UnknownAction =>
        InteractionResult.Refused("That button is not one ImproveBot knows (it may be from an older message).");

    private static ReflectionSubmission FormSubmission(int questions, IReadOnlyDictionary<string, string> values, long roundId)
    {
        var answers = Enumerable.Range(0, questions).Select(i => values.GetValueOrDefault(PromptActions.AnswerField(i)) ?? "").ToList();
        var ideaLines = values.GetValueOrDefault(PromptActions.IdeasField) is { } ideas ? new[] { ideas } : [];
        return new ReflectionSubmission(answers, ideaLines, roundId);
    }

    private async Task<Reply> PauseAsync(Member member, CancellationToken ct)
    {
        member.PausedUntil = time.GetUtcNow() + PauseButtonDuration;
        await unitOfWork.SaveChangesAsync(ct);
        return Reply.Of("Paused for two weeks. `/improve resume` brings the prompts back sooner.");
    }

    /// <summary>Stores a reflection sent without a form (plain DM reply, local playground) for the member's current round.</summary>
    public async Task<InteractionResult> SubmitReflectionAsync(MemberIdentity who, ReflectionSubmission submission, CancellationToken ct)
    {
        var (member, team) = await members.EnsureAsync(who, ct);
        return await reflections.Value.SubmitAsync(member, team, submission, ct);
    }

    /// <summary>
    /// Who a platform user is known as, one identity per tenant, oldest first: for requests that name a person but no
    /// tenant (a Discord DM), so the adapter can act in the team the person was prompted from. Empty for a stranger.
    /// </summary>
    public Task<IReadOnlyList<MemberIdentity>> FindKnownIdentitiesAsync(string platform, string userId, CancellationToken ct) =>
        members.FindIdentitiesAsync(platform, userId, ct);

    private async Task<Reply> HandleParsedAsync(MemberIdentity who, ParseResult parsed, CancellationToken ct)
    {
        if (!parsed.IsCommand)
        {
            LogHint(logger, who.Ref.Platform);
            return Reply.Of(parsed.Hint);
        }

        var command = parsed.Command;
        if (command is LogIdeaCommand or ListIdeasCommand or HelpCommand)
        {
            // These change neither member nor team, so a recent look-up serves: the hot path of a burst of /idea.
            if (!memberCache.TryGet(who, out var cachedMember, out var cachedTeam))
            {
                (cachedMember, cachedTeam) = await members.EnsureAsync(who, ct);
                memberCache.Set(who, cachedMember, cachedTeam);
            }
            return await commands.HandleAsync(cachedMember, cachedTeam, command, ct);
        }

        var (member, team) = await members.EnsureAsync(who, ct);
        try
        {
            return await commands.HandleAsync(member, team, command, ct);
        }
        finally
        {
            // Whatever this command changed (pause, time zone, erasure, the team's settings) is read afresh next time.
            memberCache.Forget(who.Ref);
            if (command is IAdminCommand) memberCache.ForgetTeam(team.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Not saved: the database refused a change from {Platform} ({Reason}: {Detail}); the person was told to try again")]
    private static partial void LogNotSaved(ILogger logger, string platform, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Answered a malformed command on {Platform} with a usage hint")]
    private static partial void LogHint(ILogger logger, string platform);
}
