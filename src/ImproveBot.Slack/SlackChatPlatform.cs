using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ImproveBot.Core.Messaging;
using ImproveBot.Slack.Api;
using ImproveBot.Slack.Rendering;

namespace ImproveBot.Slack;

/// <summary>
/// Sends the core's outgoing messages (prompts, reminders, follow-ups, digests) to Slack: DMs through
/// <c>conversations.open</c> + <c>chat.postMessage</c>, digests to the team channel, split when long.
/// </summary>
internal sealed class SlackChatPlatform(ISlackApi slack) : IChatPlatform
{
    /// <summary>The metadata event type that marks the bot's outbox messages.</summary>
    public const string OutboxEventType = "improvebot_outbox";

    // How far back a re-send looks for its earlier attempt: a DM gets a handful of bot messages a week.
    private const int HistoryLookback = 50;

    // A user's DM channel id never changes; remembering it halves the calls of a weekly fan-out.
    private readonly ConcurrentDictionary<string, string> _dmChannels = new(StringComparer.Ordinal);

    // The prompt's ts per (DM channel, round), so the reminder and the "time is up" nudge reply in its thread.
    // Kept in memory: after a restart they arrive as plain DMs, which is the same conversation, just not threaded.
    private readonly ConcurrentDictionary<(string Channel, long RoundId), string> _promptThreads = new();

    public string Name => Inbound.SlackInbound.PlatformName;

    public async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var channel = message.Destination.Kind == DestinationKind.DirectMessage
                ? await DirectChannelAsync(message.Destination.Address, cancellationToken)
                : message.Destination.Address;
            var parts = SlackMessageRenderer.Render(message.Content);
            var thread = ThreadRound(message.Content) is { } round && _promptThreads.TryGetValue((channel, round), out var ts) ? ts : null;
            var alreadyThere = await AlreadyPostedPartsAsync(message, channel, cancellationToken);
            for (var i = 0; i < parts.Count; i++)
            {
                if (alreadyThere.Contains(i)) continue;
                // The idempotency key rides along as message metadata, so a message can be recognised later.
                var metadata = new JsonObject
                {
                    ["event_type"] = OutboxEventType,
                    ["event_payload"] = new JsonObject { ["key"] = message.IdempotencyKey, ["part"] = i },
                };
                var posted = await slack.PostMessageAsync(channel, parts[i].Text, parts[i].Blocks, thread, metadata, cancellationToken);
                if (message.Content is PromptMessage prompt) _promptThreads[(channel, prompt.RoundId)] = posted;
            }
        }
        catch (SlackRateLimitedException ex)
        {
            throw new ChatDeliveryException(ex.Message, isTransient: true, ex.RetryAfter, ex);
        }
        catch (SlackApiException ex)
        {
            throw new ChatDeliveryException(ex.Message, ex.IsTransient, inner: ex);
        }
    }

    /// <summary>
    /// For a message an earlier attempt may already have delivered (an instance died between Slack's answer and the
    /// outbox record, or a lease ran out mid-send), the parts Slack already has, found by the idempotency key in
    /// their metadata. DMs only: reading a channel's history needs a scope (<c>channels:history</c>) the bot does not
    /// ask for, so a digest that was cut in half may still repeat its first part.
    /// </summary>
    private async Task<IReadOnlySet<int>> AlreadyPostedPartsAsync(OutboundMessage message, string channel, CancellationToken ct)
    {
        if (!message.MayHaveBeenSent || message.Destination.Kind != DestinationKind.DirectMessage) return EmptyParts;
        var keys = await slack.RecentOutboxKeysAsync(channel, HistoryLookback, ct);
        return keys.Where(k => k.Key == message.IdempotencyKey).Select(k => k.Part).ToHashSet();
    }

    private static readonly IReadOnlySet<int> EmptyParts = new HashSet<int>();

    private static long? ThreadRound(MessageContent content) => content switch
    {
        ReminderMessage r => r.RoundId,
        TimeUpMessage t => t.RoundId,
        _ => null,
    };

    private async Task<string> DirectChannelAsync(string userId, CancellationToken ct)
    {
        if (_dmChannels.TryGetValue(userId, out var known)) return known;
        var channel = await slack.OpenDirectMessageAsync(userId, ct);
        _dmChannels[userId] = channel;
        return channel;
    }
}
