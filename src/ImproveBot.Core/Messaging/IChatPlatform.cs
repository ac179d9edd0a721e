namespace ImproveBot.Core.Messaging;

/// <summary>
/// The port every chat platform implements for messages the bot starts (DMs, channel posts).
/// Replies to a user's own command or button are returned as <see cref="Reply"/> values instead,
/// because each platform answers those on the request itself (ephemeral response, modal open).
/// </summary>
public interface IChatPlatform
{
    /// <summary>The platform name members and teams are stored under, e.g. <c>local</c>, <c>slack</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Delivers one message. Throws <see cref="ChatDeliveryException"/> when the platform refused it;
    /// the outbox retries transient failures and honours <see cref="ChatDeliveryException.RetryAfter"/>.
    /// </summary>
    Task SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>A message ready to send, with the idempotency key it is stored under in the outbox.</summary>
public sealed record OutboundMessage(string IdempotencyKey, Destination Destination, MessageContent Content)
{
    /// <summary>
    /// True when an earlier attempt may have reached the platform without the outbox learning of it (the instance
    /// died mid-send, or a lease ran out): a platform that can look up its own messages by key checks first.
    /// </summary>
    public bool MayHaveBeenSent { get; init; }
}

/// <summary>Where a message goes: a member's DM or a team channel.</summary>
public sealed record Destination(DestinationKind Kind, string Platform, string TenantId, string Address)
{
    public static Destination DirectMessage(Members.MemberRef member) =>
        new(DestinationKind.DirectMessage, member.Platform, member.TenantId, member.UserId);

    public static Destination Channel(string platform, string tenantId, string channelId) =>
        new(DestinationKind.Channel, platform, tenantId, channelId);
}

public enum DestinationKind
{
    DirectMessage = 0,
    Channel = 1,
}

/// <summary>A platform refused or failed a send.</summary>
public sealed class ChatDeliveryException(string message, bool isTransient, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Whether trying again later may succeed (rate limit, 5xx, timeout).</summary>
    public bool IsTransient { get; } = isTransient;

    /// <summary>How long the platform asked us to wait (HTTP 429 <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
