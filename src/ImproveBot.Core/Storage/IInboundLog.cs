namespace ImproveBot.Core.Storage;

/// <summary>
/// Remembers which platform deliveries were already handled, so a retried or re-delivered event
/// (Slack retries, Socket Mode re-deliveries, repeated Discord interaction ids) is handled once.
/// </summary>
public interface IInboundLog
{
    /// <summary>Records the delivery and commits; false when it was recorded before (a duplicate to ignore).</summary>
    Task<bool> TryRecordAsync(string source, string deliveryId, CancellationToken ct);

    /// <summary>Forgets a delivery whose handling failed, so the platform's retry is processed.</summary>
    Task ForgetAsync(string source, string deliveryId, CancellationToken ct);
}
