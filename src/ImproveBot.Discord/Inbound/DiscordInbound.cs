using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Core.Diagnostics;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Storage;
using ImproveBot.Discord.Commands;
using ImproveBot.Discord.Rendering;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImproveBot.Discord.Inbound;

/// <summary>
/// Turns Discord interactions into calls on the core's <see cref="BotFrontDoor"/> and the core's replies into interaction
/// responses: ephemeral messages (flag 64) and modals. No business rule lives here.
/// </summary>
/// <remarks>
/// Each interaction is answered from its own DI scope (<see cref="DiscordInboundEntry"/>), stored before it is answered,
/// and handled once per interaction id (<see cref="IInboundLog"/>), so a replayed delivery cannot store an idea twice.
/// </remarks>
internal sealed partial class DiscordInbound(
    BotFrontDoor bot,
    IInboundLog inboundLog,
    DiscordGuildDirectory guilds,
    DiscordFormDrafts drafts,
    IOptions<DiscordOptions> options,
    ILogger<DiscordInbound> logger)
{
    public const string PlatformName = "discord";

    /// <summary>The inbound log's source for interaction ids.</summary>
    public const string InteractionSource = "discord-interaction";

    internal const string StrangerHint =
        "Hi! I don't know which server you're in yet. Use `/idea` or `/improve` there once (or wait for your weekly prompt), "
        + "and I'll know you here too.";

    internal const string AlreadyHandled = "Already done: Discord delivered this request twice, and it was handled the first time.";

    internal const string FormTooSlow =
        "That took longer than Discord waits for a form to open. Press the button (or run the command) again: it opens right away now.";

    internal const string SomethingWentWrong = "Sorry, that did not work on my side. Please try again in a moment.";

    /// <summary>The answer to one interaction, as the interaction response object (type 4 or 9).</summary>
    internal async Task<JsonObject> AnswerAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        if (!await inboundLog.TryRecordAsync(InteractionSource, interaction.Id, ct))
        {
            LogDuplicate(logger, LogValue.Clip(interaction.Id));
            return DiscordReplies.Ephemeral(Reply.Of(AlreadyHandled), tenantId: null);
        }
        try
        {
            var answer = interaction.Type switch
            {
                InteractionType.ApplicationCommand => await CommandAsync(interaction, ct),
                InteractionType.MessageComponent => await ComponentAsync(interaction, ct),
                _ => await ModalSubmitAsync(interaction, ct),
            };
            // Usually the handler's own commit carried the record already; a read-only command's is written here.
            await inboundLog.CompleteAsync(ct);
            return answer;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Not handled after all: a replay of the same interaction may try again.
            try
            {
                await inboundLog.ForgetAsync(InteractionSource, interaction.Id, CancellationToken.None);
            }
            catch (Exception forgetFailure)
            {
                LogFailed(logger, interaction.Type, forgetFailure);
            }
            LogFailed(logger, interaction.Type, ex);
            return DiscordReplies.Ephemeral(Reply.Of(SomethingWentWrong), tenantId: null);
        }
    }

    private async Task<JsonObject> CommandAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        if (DiscordCommandLine.Build(interaction.Data) is not { } line)
            return DiscordReplies.Ephemeral(Reply.Of("That command is not one ImproveBot knows (it may be from an older version of the bot)."), null);
        if (await IdentityAsync(interaction, tenantHint: null, ct) is not { } who)
            return DiscordReplies.Ephemeral(Reply.Of(StrangerHint), null);
        var reply = await bot.HandleCommandAsync(who, "/" + line.Command, line.Arguments, ct);
        return Answer(interaction, who, reply);
    }

    private async Task<JsonObject> ComponentAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        var (tenant, actionId) = DiscordCustomId.Parse(Text(interaction.Data, "custom_id"));
        if (await IdentityAsync(interaction, tenant, ct) is not { } who)
            return DiscordReplies.Ephemeral(Reply.Of(StrangerHint), null);
        var result = await bot.HandleActionAsync(who, actionId, null, ct);
        return Answer(interaction, who, result.Reply);
    }

    private async Task<JsonObject> ModalSubmitAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        var (customId, values) = DiscordModalSubmission.ReadValues(interaction.Data);
        var (tenant, actionId) = DiscordCustomId.Parse(customId);
        if (await IdentityAsync(interaction, tenant, ct) is not { } who)
            return DiscordReplies.Ephemeral(Reply.Of(StrangerHint), null);
        var result = await bot.HandleActionAsync(who, actionId, values, ct);
        var dmTenant = interaction.InDirectMessage ? who.Ref.TenantId : null;
        if (result.Succeeded)
        {
            drafts.Forget(interaction.UserId, actionId);
            return DiscordReplies.Ephemeral(result.Reply with { Form = null }, dmTenant);
        }

        // A modal cannot answer its own submission with another modal (protocol §1): keep what was written and offer
        // a button that opens the form again, filled in.
        IReadOnlyList<ChatAction>? actions = result.Reply.Actions;
        if (PromptActions.TryParse(actionId, out var verb, out var roundId) && verb == "submit" && roundId > 0 && !result.FieldErrors.ContainsKey("round"))
        {
            drafts.Keep(interaction.UserId, actionId, values);
            actions = [new ChatAction(PromptActions.Start(roundId), "Edit and submit again", ChatActionStyle.Primary)];
        }
        return DiscordReplies.Ephemeral(result.Reply with { Form = null, Actions = actions }, dmTenant);
    }

    /// <summary>A form opens as a modal (filled in from a draft, if one was kept); anything else is an ephemeral message.</summary>
    private JsonObject Answer(DiscordInteraction interaction, MemberIdentity who, Reply reply)
    {
        var dmTenant = interaction.InDirectMessage ? who.Ref.TenantId : null;
        if (reply.Form is { } form) return DiscordReplies.Modal(form, dmTenant, drafts.Find(interaction.UserId, form.SubmitActionId));
        return DiscordReplies.Ephemeral(reply, dmTenant);
    }

    /// <summary>
    /// Who acted, in which team. In a server: the server's member, admin by Manage Server / Administrator or
    /// <c>Discord:AdminUserIds</c>. In a DM there is no server: it comes from the button (our DM buttons carry it), else
    /// from where the person is already known; null for a stranger.
    /// </summary>
    private async Task<MemberIdentity?> IdentityAsync(DiscordInteraction interaction, string? tenantHint, CancellationToken ct)
    {
        var listed = options.Value.AdminUserIds?.Contains(interaction.UserId, StringComparer.Ordinal) == true;
        if (interaction.GuildId is { } guild)
        {
            var teamName = await guilds.NameAsync(guild, ct);
            return new MemberIdentity(new MemberRef(PlatformName, guild, interaction.UserId), interaction.DisplayName, teamName,
                TimeZone: null, IsAdmin: listed || interaction.HasAdminPermission);
        }

        var known = await bot.FindKnownIdentitiesAsync(PlatformName, interaction.UserId, ct);
        var match = tenantHint is null ? known.FirstOrDefault() : known.FirstOrDefault(k => k.Ref.TenantId == tenantHint);
        if (match is null && tenantHint is null) return null;
        // The name stored from the server (often a nickname) is kept: a DM only knows the account name. A DM knows no
        // permissions either, so it never demotes anyone (null), and only the configured list promotes.
        return new MemberIdentity(new MemberRef(PlatformName, tenantHint ?? match!.Ref.TenantId, interaction.UserId),
            match?.DisplayName ?? interaction.DisplayName, TeamName: null, TimeZone: null, IsAdmin: listed ? true : null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord interaction {InteractionId} already handled; answered without doing it again")]
    private static partial void LogDuplicate(ILogger logger, string interactionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a Discord {Type} interaction failed; the person was told to try again")]
    private static partial void LogFailed(ILogger logger, InteractionType type, Exception exception);
}
