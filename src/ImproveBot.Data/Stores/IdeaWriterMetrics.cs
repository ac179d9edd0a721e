using System.Diagnostics.Metrics;

namespace ImproveBot.Data.Stores;

/// <summary>
/// The idea writer's instruments (<see cref="IdeaGroupCommit"/>), for <c>dotnet-counters monitor --counters
/// ImproveBot.IdeaWriter</c> or an OpenTelemetry exporter: how many ideas each commit carried, how long each commit took,
/// and how long each idea waited from its hand-over to the writer until it was durably stored. A long tail in the wait
/// with short commits means requests queue for the writer, not for the disk.
/// </summary>
internal static class IdeaWriterMetrics
{
    public const string MeterName = "ImproveBot.IdeaWriter";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "improvebot.idea_writer.batch.size", "{idea}", "Ideas committed together in one transaction.");

    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        "improvebot.idea_writer.batch.duration", "s", "Time to write one batch and commit it durably.");

    public static readonly Histogram<double> IdeaWait = Meter.CreateHistogram<double>(
        "improvebot.idea_writer.idea.wait", "s", "Time from an idea's hand-over to the writer until it is durably stored.");
}
