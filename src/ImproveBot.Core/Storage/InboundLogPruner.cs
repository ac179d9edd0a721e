using Microsoft.Extensions.Logging;

namespace ImproveBot.Core.Storage;

/// <summary>
/// Keeps the record of handled deliveries from growing forever: every Slack event and Discord interaction adds a row,
/// and none is needed once the platforms have stopped retrying (Slack within the hour, Discord's interaction tokens
/// after 15 minutes, a Gateway resume within minutes). A week leaves a wide margin.
/// </summary>
internal sealed partial class InboundLogPruner(IInboundLog log, TimeProvider time, ILogger<InboundLogPruner> logger)
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    internal const int Chunk = 5_000;
    private const int MaxChunksPerRun = 200;

    /// <summary>Deletes records older than <see cref="Retention"/>, in chunks; returns how many went.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow() - Retention;
        var total = 0;
        for (var i = 0; i < MaxChunksPerRun; i++)
        {
            var deleted = await log.PruneAsync(before, Chunk, ct);
            total += deleted;
            if (deleted < Chunk) break;
        }
        if (total > 0) LogPruned(logger, total);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forgot {Count} handled deliveries older than a week")]
    private static partial void LogPruned(ILogger logger, int count);
}
