using System.Text.RegularExpressions;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Prompts;
using ImproveBot.Core.Reflections;
using Microsoft.Extensions.Options;

namespace ImproveBot.Host.Local;

/// <summary>
/// HTTP endpoints of the local playground: act as any user, read inboxes and the team channel, run jobs now.
/// </summary>
internal static partial class LocalPlaygroundEndpoints
{
    public sealed record CommandRequest(string? User, string? Text);
    public sealed record AnswerRequest(string? User, List<string>? Answers, List<string>? Ideas);
    public sealed record ActionRequest(string? User, string? Action, Dictionary<string, string>? Values);

    public static IEndpointRouteBuilder MapLocalPlayground(this IEndpointRouteBuilder app)
    {
        var local = app.MapGroup("/local");
        local.MapPost("/command", HandleCommandAsync);
        local.MapPost("/answer", HandleAnswerAsync);
        local.MapPost("/action", HandleActionAsync);
        local.MapGet("/inbox/{user}", (string user, LocalMailbox mailbox) =>
            ValidUser(user) ? Results.Ok(mailbox.Read(LocalMailbox.Inbox(user))) : BadUser());
        local.MapGet("/channel", (LocalMailbox mailbox, IOptions<LocalOptions> options) =>
            Results.Ok(mailbox.Read(LocalMailbox.Channel(options.Value.Channel))));
        local.MapPost("/jobs/{job}/run", RunJobAsync);
        app.MapGet("/", () => Results.Content(LocalPlaygroundPage.Html, "text/html; charset=utf-8"));
        return app;
    }

    private static async Task<IResult> HandleCommandAsync(HttpRequest http, BotFrontDoor bot, IOptions<LocalOptions> options,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var (request, error) = await JsonBody.ReadAsync<CommandRequest>(http, loggers.CreateLogger("ImproveBot.Local"), ct);
        if (error is not null) return error;
        if (request is null || !ValidUser(request.User)) return BadUser();
        if (request.Text is null) return Results.BadRequest(new { error = "Field 'text' is required, e.g. \"/idea read with a question first #reading\"." });
        var reply = await bot.HandleCommandTextAsync(Identity(request.User!, options.Value), request.Text, ct);
        return Results.Ok(ToJson(reply, null));
    }

    private static async Task<IResult> HandleAnswerAsync(HttpRequest http, BotFrontDoor bot, IOptions<LocalOptions> options,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var (request, error) = await JsonBody.ReadAsync<AnswerRequest>(http, loggers.CreateLogger("ImproveBot.Local"), ct);
        if (error is not null) return error;
        if (request is null || !ValidUser(request.User)) return BadUser();
        var submission = new ReflectionSubmission(
            (request.Answers ?? []).Select(a => a ?? "").ToList(),
            (request.Ideas ?? []).Select(i => i ?? "").ToList());
        var result = await bot.SubmitReflectionAsync(Identity(request.User!, options.Value), submission, ct);
        return result.Succeeded
            ? Results.Ok(new { text = result.Reply.Text, ideaIds = result.IdeaIds })
            : Results.UnprocessableEntity(new { text = result.Reply.Text, errors = result.FieldErrors });
    }

    private static async Task<IResult> HandleActionAsync(HttpRequest http, BotFrontDoor bot, IOptions<LocalOptions> options,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var (request, error) = await JsonBody.ReadAsync<ActionRequest>(http, loggers.CreateLogger("ImproveBot.Local"), ct);
        if (error is not null) return error;
        if (request is null || !ValidUser(request.User)) return BadUser();
        if (string.IsNullOrWhiteSpace(request.Action)) return Results.BadRequest(new { error = "Field 'action' is required: an action id from the inbox." });
        var result = await bot.HandleActionAsync(Identity(request.User!, options.Value), request.Action, request.Values, ct);
        return result.Succeeded
            ? Results.Ok(ToJson(result.Reply, result.IdeaIds))
            : Results.UnprocessableEntity(new { text = result.Reply.Text, errors = result.FieldErrors });
    }

    private static async Task<IResult> RunJobAsync(string job, LocalTeam team, WeeklyPromptService prompts, ReminderService reminders,
        DigestService digests, ImproveBot.Core.FollowUps.FollowUpService followUps, OutboxDispatcher dispatcher, CancellationToken ct)
    {
        var teamId = await team.EnsureAsync(ct);
        int queued;
        switch (job)
        {
            case "prompt":
                queued = await prompts.PromptTeamNowAsync(teamId, ct);
                break;
            case "reminder":
                queued = await reminders.RemindTeamNowAsync(teamId, ct) + await reminders.NudgeTimeUpAsync(ct);
                break;
            case "digest":
                queued = await digests.PostNowAsync(teamId, ct) is null ? 0 : 1;
                break;
            case "followup":
                queued = await followUps.SendTeamNowAsync(teamId, ct);
                break;
            case "dispatch":
                queued = 0;
                break;
            default:
                return Results.NotFound(new { error = $"No job '{job}'. Jobs: prompt, reminder, digest, followup, dispatch." });
        }
        // The playground shows results at once instead of waiting for the dispatcher's next tick.
        var sent = await dispatcher.DispatchDueAsync(ct);
        return Results.Ok(new { job, queued, sent });
    }

    internal static MemberIdentity Identity(string user, LocalOptions options) => new(
        new MemberRef(LocalChatPlatform.PlatformName, LocalChatPlatform.TenantId, user),
        user,
        options.TeamName,
        IsAdmin: options.EffectiveAdmins.Contains(user, StringComparer.Ordinal),
        DigestChannel: options.Channel);

    private static object ToJson(Reply reply, IReadOnlyList<long>? ideaIds) => new
    {
        text = reply.Text,
        actions = reply.Actions,
        form = reply.Form,
        ideaIds,
    };

    private static bool ValidUser(string? user) => user is not null && UserPattern().IsMatch(user);

    private static IResult BadUser() =>
        Results.BadRequest(new { error = "Field 'user' is required: 1 to 40 letters, digits, '.', '_' or '-', e.g. \"ada\"." });

    [GeneratedRegex("^[A-Za-z0-9._-]{1,40}$")]
    private static partial Regex UserPattern();
}

/// <summary>The playground's one team, created with its channel on first use.</summary>
internal sealed class LocalTeam(MemberService members, IOptions<LocalOptions> options)
{
    public async Task<long> EnsureAsync(CancellationToken ct) =>
        (await members.EnsureTeamAsync(LocalChatPlatform.PlatformName, LocalChatPlatform.TenantId, options.Value.TeamName, options.Value.Channel, ct)).Id;
}
