namespace ImproveBot.Core.Messaging;

/// <summary>Storage port for the persisted outbox every outgoing message goes through.</summary>
public interface IOutbox
{
    /// <summary>
    /// Stages a message unless one with the same idempotency key exists; returns whether it was staged.
    /// The unique key in storage makes a concurrent duplicate fail the commit rather than send twice.
    /// </summary>
    Task<bool> EnqueueAsync(OutboundMessage message, PromptDeliveryRef? delivery, DateTimeOffset now, CancellationToken ct);

    /// <summary>Claims up to <paramref name="max"/> due messages, marking them in flight until <paramref name="leaseUntil"/>, and commits the claim.</summary>
    Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken ct);

    Task MarkSentAsync(long entryId, DateTimeOffset now, CancellationToken ct);
    Task MarkRetryAsync(long entryId, DateTimeOffset nextAttemptAt, string error, CancellationToken ct);
    Task MarkFailedAsync(long entryId, string error, CancellationToken ct);

    /// <summary>Counts by state, for health and metrics.</summary>
    Task<IReadOnlyDictionary<OutboxState, int>> CountByStateAsync(CancellationToken ct);
}

/// <summary>A claimed outbox row.</summary>
public sealed record OutboxEntry(long Id, OutboundMessage Message, int Attempts, PromptDeliveryRef? Delivery);

/// <summary>The prompt delivery a message belongs to, so a confirmed send can mark the prompt as sent.</summary>
public readonly record struct PromptDeliveryRef(long RoundId, long MemberId);

public enum OutboxState
{
    Pending = 0,
    InFlight = 1,
    Sent = 2,
    Failed = 3,
}
