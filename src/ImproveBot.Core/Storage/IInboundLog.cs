namespace ImproveBot.Core.Storage;

/// <summary>
/// Remembers which platform deliveries were already handled, so a retried or re-delivered event
/// (Slack retries, Socket Mode re-deliveries, repeated Discord interaction ids) is handled once.
/// </summary>
/// <remarks>
/// The record is written in the same transaction as the handler's first write (its idea, its reflection), so a
/// delivery is either handled and recorded or neither: a crash in between cannot leave a recorded delivery whose idea
/// was never stored. It costs no commit of its own on the hot path.
/// </remarks>
public interface IInboundLog
{
    /// <summary>
    /// Claims the delivery for this scope; false when it was handled before, or is being handled right now (a duplicate
    /// to ignore). The record is staged: it is committed with the scope's next write, or by <see cref="CompleteAsync"/>.
    /// </summary>
    Task<bool> TryRecordAsync(string source, string deliveryId, CancellationToken ct);

    /// <summary>Makes the claimed deliveries durable if the handler wrote nothing that carried them (a read-only command).</summary>
    Task CompleteAsync(CancellationToken ct);

    /// <summary>Forgets a delivery whose handling failed, so the platform's retry is processed.</summary>
    Task ForgetAsync(string source, string deliveryId, CancellationToken ct);

    /// <summary>
    /// Deletes up to <paramref name="max"/> records of deliveries received before <paramref name="receivedBefore"/>
    /// (long past any platform's retry), oldest first; returns how many went.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset receivedBefore, int max, CancellationToken ct);
}
