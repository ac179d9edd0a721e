using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Core.Diagnostics;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Slack.Api;
using ImproveBot.Slack.Rendering;
using ImproveBot.Slack.Users;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Slack.Inbound;

/// <summary>
/// Turns what Slack sends into calls on the core's <see cref="BotFrontDoor"/> and the core's replies into Slack's
/// answers. Shared by the HTTP endpoints and Socket Mode, through <see cref="SlackInboundEntry"/>. No business rule lives here.
/// </summary>
internal sealed partial class SlackInbound(
    BotFrontDoor bot,
    SlackUserDirectory users,
    SlackBotIdentity botIdentity,
    ISlackApi slack,
    IInboundLog inboundLog,
    ILogger<SlackInbound> logger)
{
    public const string PlatformName = "slack";

    internal async Task<SlackAck> AnswerSlashCommandAsync(SlashCommand command, CancellationToken ct)
    {
        var who = await IdentityAsync(command.TeamId, command.UserId, command.UserName, ct);
        // Slack escapes &, < and > in command text; the grammar reads what the person typed.
        var reply = await bot.HandleCommandAsync(who, command.Command, Unescape(command.Text), ct);
        if (reply.Form is { } form && command.TriggerId is { Length: > 0 } trigger && await TryOpenFormAsync(trigger, form, ct) is false)
            return Ephemeral(reply with { Form = null, Text = reply.Text + "\n(The form could not be opened; please try `/improve reflect` again.)" });
        return Ephemeral(reply with { Form = null });
    }

    internal async Task<SlackAck> HandleInteractionAsync(JsonElement payload, CancellationToken ct)
    {
        var type = Text(payload, "type");
        var teamId = Text(payload, "team", "id") ?? Text(payload, "user", "team_id");
        var userId = Text(payload, "user", "id");
        if (teamId is null || userId is null)
        {
            LogMalformed(logger, "interaction without team or user");
            return new SlackAck(400, null);
        }
        var who = await IdentityAsync(teamId, userId, Text(payload, "user", "name"), ct);

        switch (type)
        {
            case "block_actions":
            {
                if (!payload.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
                    return SlackAck.Empty;
                var action = actions[0];
                var actionId = Text(action, "action_id");
                var result = await bot.HandleActionAsync(who, actionId, null, ct);
                if (result.Reply.Form is { } form && Text(payload, "trigger_id") is { Length: > 0 } trigger)
                {
                    if (await TryOpenFormAsync(trigger, form, ct)) return SlackAck.Empty;
                }
                // After the ack, not before it: a slow or unreachable response_url (retried with backoff) must not hold the
                // ack past Slack's 3 seconds. The result is already stored; this only tells the person.
                _ = FollowUpAsync(Text(payload, "response_url"), result.Reply, CancellationToken.None);
                return SlackAck.Empty;
            }
            case "view_submission":
            {
                if (!payload.TryGetProperty("view", out var view)) return new SlackAck(400, null);
                var (callbackId, values) = SlackViewSubmission.ReadValues(view);
                var result = await bot.HandleActionAsync(who, callbackId, values, ct);
                if (!result.Succeeded) return SlackAck.Json(SlackReplies.Errors(result.FieldErrors, values.Keys).ToJsonString());
                // The modal closes on an empty ack; the confirmation goes to the person's DM.
                await PostDirectAsync(userId, result.Reply, ct);
                return SlackAck.Empty;
            }
            default:
                // view_closed, shortcuts and the rest need nothing from us yet.
                return SlackAck.Empty;
        }
    }

    internal async Task<SlackAck> HandleEventAsync(JsonElement envelope, int retryNum, CancellationToken ct)
    {
        var eventId = Text(envelope, "event_id");
        var teamId = Text(envelope, "team_id");
        if (eventId is null || teamId is null || !envelope.TryGetProperty("event", out var ev))
        {
            LogMalformed(logger, "event_callback without event_id, team_id or event");
            return new SlackAck(400, null);
        }
        // Retries (X-Slack-Retry-Num, Socket Mode retry_attempt) reuse the event id: handle each event once.
        var deliveryId = $"{Text(envelope, "api_app_id")}:{eventId}";
        if (!await inboundLog.TryRecordAsync("slack-event", deliveryId, ct))
        {
            LogDuplicate(logger, LogValue.Clip(eventId), retryNum);
            return SlackAck.Empty;
        }

        try
        {
            if (Text(ev, "type") == "message" && Text(ev, "channel_type") == "im" && Text(ev, "subtype") is null
                && Text(ev, "bot_id") is null && Text(ev, "user") is { } userId && userId != (await botIdentity.GetAsync(ct)).UserId
                && Text(ev, "text") is { Length: > 0 } text)
            {
                var who = await IdentityAsync(teamId, userId, null, ct);
                var result = await bot.SubmitReflectionAsync(who, new ReflectionSubmission([Unescape(text)], []), ct);
                await PostDirectAsync(userId, result.Reply, ct);
            }
            // Usually the reflection's commit carried the record already; an event we ignore is recorded here.
            await inboundLog.CompleteAsync(ct);
            return SlackAck.Empty;
        }
        catch
        {
            // Not handled after all: let Slack's retry (or Socket Mode's re-delivery) have another go.
            await inboundLog.ForgetAsync("slack-event", deliveryId, CancellationToken.None);
            throw;
        }
    }

    private async Task<MemberIdentity> IdentityAsync(string teamId, string userId, string? userName, CancellationToken ct)
    {
        var profile = await users.GetAsync(userId, ct);
        var bot = await botIdentity.TryGetAsync(ct);
        return new MemberIdentity(
            new MemberRef(PlatformName, teamId, userId),
            profile?.DisplayName ?? userName ?? userId,
            TeamName: bot?.TeamId == teamId ? bot.TeamName : null,
            profile?.TimeZone,
            IsAdmin: users.IsAdmin(userId, profile));
    }

    private async Task<bool> TryOpenFormAsync(string triggerId, ChatForm form, CancellationToken ct)
    {
        try
        {
            await slack.OpenViewAsync(triggerId, SlackReplies.Modal(form), ct);
            return true;
        }
        catch (SlackApiException ex)
        {
            LogViewFailed(logger, ex.Error);
            return false;
        }
    }

    /// <summary>Answers through the response_url; runs unobserved after the ack, so it logs every failure instead of throwing.</summary>
    private async Task FollowUpAsync(string? responseUrl, Reply reply, CancellationToken ct)
    {
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var url)) return;
        try
        {
            // Off the request's thread at once: the caller returns its ack without waiting for any of this.
            await Task.Yield();
            var message = SlackReplies.Ephemeral(reply);
            message["replace_original"] = false;
            await slack.RespondAsync(url, message, ct);
        }
        catch (Exception ex)
        {
            LogRespondFailed(logger, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private async Task PostDirectAsync(string userId, Reply reply, CancellationToken ct)
    {
        try
        {
            var channel = await slack.OpenDirectMessageAsync(userId, ct);
            var message = SlackReplies.Ephemeral(reply);
            await slack.PostMessageAsync(channel, message["text"]?.GetValue<string>() ?? "", message["blocks"] as JsonArray, null, null, ct);
        }
        catch (Exception ex) when (ex is SlackApiException or HttpRequestException)
        {
            LogRespondFailed(logger, ex.Message);
        }
    }

    internal static SlackAck Ephemeral(Reply reply) => SlackAck.Json(SlackReplies.Ephemeral(reply).ToJsonString());

    // Slack escapes exactly these three; &amp; goes last so "&amp;lt;" stays the literal text "&lt;".
    internal static string Unescape(string text) =>
        text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        }
        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed Slack payload: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack event {EventId} already handled (retry {RetryNum}); acknowledged without doing it again")]
    private static partial void LogDuplicate(ILogger logger, string eventId, int retryNum);

    [LoggerMessage(Level = LogLevel.Warning, Message = "views.open failed: {Error}")]
    private static partial void LogViewFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the user the outcome of their action: {Error}")]
    internal static partial void LogRespondFailed(ILogger logger, string error);
}
