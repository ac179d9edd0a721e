using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Messaging;
using ImproveBot.Discord.Api;
using ImproveBot.Discord.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Inbound;

/// <summary>
/// What the transport calls with a verified interaction: answers PING at once and everything else from a DI scope of its
/// own through <see cref="DiscordInbound"/>. When the work takes longer than <see cref="AckBudget.Budget"/>, Discord gets a
/// deferred answer (type 5, ephemeral) and the real one follows through the interaction's webhook.
/// </summary>
/// <remarks>
/// A singleton with nothing scoped behind it: the work has its own scope, so building the core and the storage in the
/// request's scope as well would be done for nothing, on every interaction.
/// </remarks>
internal sealed partial class DiscordInboundEntry(
    IServiceScopeFactory scopes,
    IDiscordApi discord,
    TimeProvider time,
    ILogger<DiscordInboundEntry> logger) : IDiscordInbound
{
    public async Task<DiscordAck> HandleInteractionAsync(JsonElement payload, CancellationToken ct)
    {
        if (!DiscordInteraction.TryParse(payload, out var interaction, out var problem))
        {
            LogMalformed(logger, problem);
            return new DiscordAck(400, null);
        }
        switch (interaction.Type)
        {
            case InteractionType.Ping:
                return DiscordAck.Json(DiscordReplies.Pong());
            case InteractionType.Autocomplete:
                return DiscordAck.Json(DiscordReplies.NoChoices());
        }

        // The work runs in its own scope so it can outlive this request when it is slow; it stores before it
        // answers, so an answer that carries the result is always an answer after the commit.
        // Started here rather than through Task.Run: it runs on this thread until its first wait, one thread hop fewer.
        var work = AnswerInOwnScopeAsync(interaction);
        if (await AckBudget.WithinAsync(work, time, ct) is { } answer) return DiscordAck.Json(answer);
        // Slower than Discord waits: defer now, and edit the deferred answer once the work is done. The edit waits
        // until our type 5 has been sent: before that, the message it edits does not exist.
        LogSlow(logger, interaction.Type);
        var token = interaction.Token;
        return new DiscordAck(200, DiscordReplies.Deferred().ToJsonString(), () => CompleteDeferredAsync(work, token));
    }

    private async Task<JsonObject> AnswerInOwnScopeAsync(DiscordInteraction interaction)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DiscordInbound>().AnswerAsync(interaction, CancellationToken.None);
    }

    private async Task CompleteDeferredAsync(Task<JsonObject> work, string token)
    {
        try
        {
            var response = await work;
            var message = response["type"]?.GetValue<int>() == DiscordResponseType.Modal
                // A modal can only be the first answer; the deferral was.
                ? DiscordReplies.Message(Reply.Of(DiscordInbound.FormTooSlow), null).ToJson()
                : response["data"]?.DeepClone().AsObject() ?? DiscordReplies.Message(Reply.Of(DiscordInbound.SomethingWentWrong), null).ToJson();
            await discord.EditOriginalResponseAsync(token, message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogRespondFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a signed Discord interaction: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Discord {Type} interaction took longer than Discord waits; deferred, answering through the webhook")]
    private static partial void LogSlow(ILogger logger, InteractionType type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not complete a deferred Discord answer: {Error}")]
    private static partial void LogRespondFailed(ILogger logger, string error);
}
