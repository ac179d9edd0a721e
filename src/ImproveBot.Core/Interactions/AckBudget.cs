namespace ImproveBot.Core.Interactions;

/// <summary>
/// Slack and Discord both give up on an answer after 3 seconds. The work gets <see cref="Budget"/>; past it, the adapter
/// acknowledges at once and delivers the answer later (Slack through <c>response_url</c>, Discord by editing its
/// deferred answer), while the work carries on.
/// </summary>
internal static class AckBudget
{
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(2500);

    /// <summary>The work's result if it finishes within <see cref="Budget"/>; null if it is still running then.</summary>
    public static async Task<T?> WithinAsync<T>(Task<T> work, TimeProvider time, CancellationToken ct) where T : class
    {
        try
        {
            return await work.WaitAsync(Budget, time, ct);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
