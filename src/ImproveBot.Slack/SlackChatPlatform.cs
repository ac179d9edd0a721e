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
    // A user's DM channel id never changes; remembering it halves the calls of a weekly fan-out.
    private readonly ConcurrentDictionary<string, string> _dmChannels = new(StringComparer.Ordinal);

    public string Name => Inbound.SlackInbound.PlatformName;

    public async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var channel = message.Destination.Kind == DestinationKind.DirectMessage
                ? await DirectChannelAsync(message.Destination.Address, cancellationToken)
                : message.Destination.Address;
            var parts = SlackMessageRenderer.Render(message.Content);
            for (var i = 0; i < parts.Count; i++)
            {
                // The idempotency key rides along as message metadata, so a message can be recognised later.
                var metadata = new JsonObject
                {
                    ["event_type"] = "improvebot_outbox",
                    ["event_payload"] = new JsonObject { ["key"] = message.IdempotencyKey, ["part"] = i },
                };
                await slack.PostMessageAsync(channel, parts[i].Text, parts[i].Blocks, null, metadata, cancellationToken);
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

    private async Task<string> DirectChannelAsync(string userId, CancellationToken ct)
    {
        if (_dmChannels.TryGetValue(userId, out var known)) return known;
        var channel = await slack.OpenDirectMessageAsync(userId, ct);
        _dmChannels[userId] = channel;
        return channel;
    }
}
