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
    CommandHandler commands,
    ReflectionService reflections,
    IUnitOfWork unitOfWork,
    TimeProvider time,
    ILogger<BotFrontDoor> logger)
{
    /// <summary>How long the Pause button on a prompt pauses for.</summary>
    public static readonly TimeSpan PauseButtonDuration = TimeSpan.FromDays(14);

    /// <summary>Handles a command typed as one line, e.g. <c>/idea read with a question first #reading</c>.</summary>
    public Task<Reply> HandleCommandTextAsync(MemberIdentity who, string? text, CancellationToken ct) =>
        HandleParsedAsync(who, CommandParser.Parse(text ?? ""), ct);

    /// <summary>Handles a command as platforms deliver it: the command name and its argument text apart.</summary>
    public Task<Reply> HandleCommandAsync(MemberIdentity who, string? command, string? arguments, CancellationToken ct) =>
        HandleParsedAsync(who, CommandParser.Parse(command ?? "", arguments ?? ""), ct);

    /// <summary>Handles a button press or form submission identified by its action id.</summary>
    public async Task<InteractionResult> HandleActionAsync(MemberIdentity who, string? actionId,
        IReadOnlyDictionary<string, string>? values, CancellationToken ct)
    {
        if (!PromptActions.TryParse(actionId, out var verb, out var roundId))
            return Unhandled("That button is not one ImproveBot knows (it may be from an older message).");

        var (member, team) = await members.EnsureAsync(who, ct);
        switch (verb)
        {
            case "start":
                return Done(await reflections.StartAsync(member, team, roundId, ct));
            case "skip":
                return Done(await reflections.SkipAsync(member, team, roundId, ct));
            case "pause":
                member.PausedUntil = time.GetUtcNow() + PauseButtonDuration;
                await unitOfWork.SaveChangesAsync(ct);
                return Done(Reply.Of("Paused for two weeks. `/improve resume` brings the prompts back sooner."));
            case "submit":
                values ??= new Dictionary<string, string>();
                var answers = team.Questions.Select((_, i) => values.GetValueOrDefault(PromptActions.AnswerField(i)) ?? "").ToList();
                var ideaLines = values.GetValueOrDefault(PromptActions.IdeasField) is { } ideas ? new[] { ideas } : [];
                return await reflections.SubmitAsync(member, team, new ReflectionSubmission(answers, ideaLines, roundId), ct);
            default:
                return Unhandled("That button is not one ImproveBot knows (it may be from an older message).");
        }
    }

    /// <summary>Stores a reflection sent without a form (plain DM reply, local playground) for the member's current round.</summary>
    public async Task<InteractionResult> SubmitReflectionAsync(MemberIdentity who, ReflectionSubmission submission, CancellationToken ct)
    {
        var (member, team) = await members.EnsureAsync(who, ct);
        return await reflections.SubmitAsync(member, team, submission, ct);
    }

    private async Task<Reply> HandleParsedAsync(MemberIdentity who, ParseResult parsed, CancellationToken ct)
    {
        if (!parsed.IsCommand)
        {
            LogHint(logger, who.Ref.Platform);
            return Reply.Of(parsed.Hint);
        }
        var (member, team) = await members.EnsureAsync(who, ct);
        return await commands.HandleAsync(member, team, parsed.Command, ct);
    }

    private static InteractionResult Done(Reply reply) => new(reply, new Dictionary<string, string>(), []);

    private static InteractionResult Unhandled(string text) =>
        new(Reply.Of(text), new Dictionary<string, string> { ["action"] = text }, []);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Answered a malformed command on {Platform} with a usage hint")]
    private static partial void LogHint(ILogger logger, string platform);
}
