namespace ImproveBot.Core.Messaging;

/// <summary>Storage port for the persisted outbox every outgoing message goes through.</summary>
public interface IOutbox
{
    /// <summary>
    /// Stages a message unless one with the same idempotency key exists; returns whether it was staged.
    /// The unique key in storage makes a concurrent duplicate fail the commit rather than send twice.
    /// </summary>
    Task<bool> EnqueueAsync(OutboundMessage message, PromptDeliveryRef? delivery, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Claims up to <paramref name="max"/> due messages, marking them in flight until <paramref name="leaseUntil"/>, and commits the claim.
    /// Concurrent claimers (other dispatchers, other instances) get disjoint sets; none waits for another's rows.
    /// </summary>
    Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken ct);

    // The Mark* and Release calls change a row only while the caller's claim is still the row's claim: a dispatcher
    // whose lease ran out (and whose row someone else re-claimed, maybe sent) cannot overwrite the newer outcome.
    // Each returns whether the claim still held.

    Task<bool> MarkSentAsync(OutboxClaim claim, DateTimeOffset now, CancellationToken ct);
    Task<bool> MarkRetryAsync(OutboxClaim claim, DateTimeOffset nextAttemptAt, string error, CancellationToken ct);
    Task<bool> MarkFailedAsync(OutboxClaim claim, string error, CancellationToken ct);

    /// <summary>Gives a claimed, unsent message back at once (not counted as an attempt), e.g. when the dispatcher is stopping.</summary>
    Task<bool> ReleaseAsync(OutboxClaim claim, CancellationToken ct);

    /// <summary>Counts by state, for health and metrics.</summary>
    Task<IReadOnlyDictionary<OutboxState, int>> CountByStateAsync(CancellationToken ct);
}

/// <summary>A claimed outbox row.</summary>
/// <param name="LeaseUntil">When the claim expires and another dispatcher may take the message: no send should start after it.</param>
public sealed record OutboxEntry(OutboxClaim Claim, OutboundMessage Message, int Attempts, PromptDeliveryRef? Delivery, DateTimeOffset LeaseUntil)
{
    public long Id => Claim.Id;
}

/// <summary>One claim on one outbox row: the row and the token of the claiming pass.</summary>
public readonly record struct OutboxClaim(long Id, Guid Token);

/// <summary>The prompt delivery a message belongs to, so a confirmed send can mark the prompt as sent.</summary>
public readonly record struct PromptDeliveryRef(long RoundId, long MemberId);

public enum OutboxState
{
    Pending = 0,
    InFlight = 1,
    Sent = 2,
    Failed = 3,
}
