using ImproveBot.Core.Messaging;

namespace ImproveBot.Data.Outbox;

/// <summary>One persisted outgoing message. The unique <see cref="Key"/> is its idempotency key.</summary>
internal sealed class OutboxRow
{
    public long Id { get; set; }
    public required string Key { get; set; }
    public required string Platform { get; set; }
    public required string TenantId { get; set; }
    public DestinationKind DestinationKind { get; set; }
    public required string Address { get; set; }

    /// <summary>The <see cref="MessageContent"/> as JSON, so the message can be rendered after a restart.</summary>
    public required string ContentJson { get; set; }

    public OutboxState State { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>While in flight, when the claim expires and another dispatcher may pick the message up.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Identifies the dispatcher pass that claimed the row, so a claim is read back by whoever made it.</summary>
    public Guid? ClaimToken { get; set; }

    /// <summary>The instance (<see cref="Core.Cluster.InstanceIdentity"/>) that claimed the row last: which one to look at when a message is stuck in flight.</summary>
    public string? ClaimedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>The prompt delivery this message carries, if any.</summary>
    public long? DeliveryRoundId { get; set; }
    public long? DeliveryMemberId { get; set; }
}
