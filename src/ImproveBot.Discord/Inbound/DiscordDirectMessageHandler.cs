using System.Security.Cryptography;
using System.Text;
using ImproveBot.Core.Diagnostics;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Discord.Api;
using ImproveBot.Discord.Gateway;
using ImproveBot.Discord.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Inbound;

/// <summary>
/// A plain DM to the bot (from the Gateway) is the person's reflection for the current round, as on every platform. Each
/// message is handled once (its id in <see cref="IInboundLog"/>, as Slack's event ids are), in a DI scope of its own so
/// the Gateway's read loop never waits on a shared context; the person gets the core's answer back in the same DM.
/// Failures are logged, never thrown into the caller's read loop (except cancellation at shutdown).
/// </summary>
internal sealed partial class DiscordDirectMessageHandler(IServiceScopeFactory scopes, IDiscordApi discord, ILogger<DiscordDirectMessageHandler> logger)
    : IDiscordDirectMessageHandler
{
    /// <summary>The inbound log's source for DM message ids.</summary>
    public const string MessageSource = "discord-message";

    public async Task HandleAsync(DiscordDirectMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.Content) || !DiscordRoutes.IsSnowflake(message.AuthorId)
            || !DiscordRoutes.IsSnowflake(message.ChannelId) || string.IsNullOrEmpty(message.MessageId))
        {
            // Attachments or stickers only, or not a message we can answer: nothing to store.
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var inboundLog = scope.ServiceProvider.GetRequiredService<IInboundLog>();
        // A resumed Gateway session replays what it missed; an event seen before is not stored twice.
        if (!await inboundLog.TryRecordAsync(MessageSource, message.MessageId, cancellationToken))
        {
            LogDuplicate(logger, LogValue.Clip(message.MessageId));
            return;
        }

        Reply reply;
        var notSaved = false;
        try
        {
            var bot = scope.ServiceProvider.GetRequiredService<BotFrontDoor>();
            var known = await bot.FindKnownIdentitiesAsync(DiscordInbound.PlatformName, message.AuthorId, cancellationToken);
            if (known.Count == 0)
            {
                reply = Reply.Of(DiscordInbound.StrangerHint);
            }
            else
            {
                // Someone in two servers answers the one they joined first; the prompt's buttons name their server.
                var result = await bot.SubmitReflectionAsync(known[0], new ReflectionSubmission([message.Content], []), cancellationToken);
                reply = result.Reply;
            }
            await inboundLog.CompleteAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            // Not stored after all: a replay of the event may try again.
            await inboundLog.ForgetAsync(MessageSource, message.MessageId, CancellationToken.None);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            // Logged, not thrown: the caller is a socket's read loop, which one bad message must not stop.
            LogFailed(logger, ex);
            // Only a resumed session would deliver the message again, so the person must hear that their reply was not kept.
            if (ex is not StorageUnavailableException) return;
            reply = Reply.Of(BotFrontDoor.NotSaved);
            notSaved = true;
        }

        try
        {
            // An answer to the person's own message, like an interaction's: sent at once rather than queued, with a nonce
            // from the message id so a replayed event cannot answer twice (a "not saved" answer has its own, or Discord
            // would take the thanks for a later, successful delivery as a repeat of it).
            await discord.CreateMessageAsync(message.ChannelId, DiscordReplies.Message(reply, tenantId: null).ToJson(), Nonce(notSaved ? message.MessageId + ":not-saved" : message.MessageId), cancellationToken);
        }
        catch (Exception ex) when (ex is DiscordApiException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogAnswerFailed(logger, ex.Message);
        }
    }

    internal static string Nonce(string messageId) =>
        "r" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("dm-reply:" + messageId)))[..23];

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord DM {MessageId} already handled; not stored again")]
    private static partial void LogDuplicate(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing a Discord DM reply failed; it was not stored")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored a Discord DM reply but could not answer it: {Error}")]
    private static partial void LogAnswerFailed(ILogger logger, string error);
}
