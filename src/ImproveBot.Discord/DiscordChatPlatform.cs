using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ImproveBot.Core.Messaging;
using ImproveBot.Discord.Api;
using ImproveBot.Discord.Inbound;
using ImproveBot.Discord.Rendering;
using Microsoft.Extensions.Options;

namespace ImproveBot.Discord;

/// <summary>
/// Sends the core's outgoing messages (prompts, reminders, nudges, follow-ups, digests) to Discord: DMs through
/// <c>POST /users/@me/channels</c> + <c>POST /channels/{id}/messages</c>, digests to the team channel, split when long.
/// Every message carries a nonce derived from its outbox idempotency key with <c>enforce_nonce</c>, so the outbox
/// retrying a send Discord already accepted does not post it twice.
/// </summary>
internal sealed class DiscordChatPlatform(IDiscordApi discord, IOptions<DiscordOptions> options) : IChatPlatform
{
    // A user's DM channel id never changes; remembering it halves the calls of a weekly fan-out, and the reminder and
    // the "time is up" nudge land in the same DM as the prompt.
    private readonly ConcurrentDictionary<string, string> _dmChannels = new(StringComparer.Ordinal);

    public string Name => DiscordInbound.PlatformName;

    public async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var direct = message.Destination.Kind == DestinationKind.DirectMessage;
            var channel = direct ? await DirectChannelAsync(message.Destination.Address, cancellationToken) : message.Destination.Address;
            // DM buttons carry the server they belong to: a DM interaction names no server of its own.
            var context = new DiscordRenderContext(direct ? message.Destination.TenantId : null, options.Value.UseGateway);
            var parts = DiscordMessageRenderer.Render(message.Content, context);
            for (var i = 0; i < parts.Count; i++)
                await discord.CreateMessageAsync(channel, parts[i].ToJson(), Nonce(message.IdempotencyKey, i), cancellationToken);
        }
        catch (DiscordRateLimitedException ex)
        {
            throw new ChatDeliveryException(ex.Message, isTransient: true, ex.RetryAfter, ex);
        }
        catch (DiscordApiException ex)
        {
            throw new ChatDeliveryException(ex.Message, ex.IsTransient, inner: ex);
        }
        catch (ArgumentException ex)
        {
            // A malformed address (not a snowflake) will not get better by retrying.
            throw new ChatDeliveryException(ex.Message, isTransient: false, inner: ex);
        }
    }

    /// <summary>
    /// At most 25 characters (Discord's limit): a hash of the idempotency key and the part, so every part of every outbox
    /// message has its own, and the same one on every retry.
    /// </summary>
    internal static string Nonce(string idempotencyKey, int part)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{idempotencyKey}#{part}"));
        return Convert.ToHexStringLower(hash)[..24];
    }

    private async Task<string> DirectChannelAsync(string userId, CancellationToken ct)
    {
        if (_dmChannels.TryGetValue(userId, out var known)) return known;
        var channel = await discord.CreateDirectMessageChannelAsync(userId, ct);
        _dmChannels[userId] = channel;
        return channel;
    }
}
