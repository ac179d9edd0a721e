using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Host.Tests.Security;

/// <summary>
/// Keeps every log entry of every category and level: the formatted message, each structured value and any exception,
/// so a test can search all of it for secrets.
/// </summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            entries.Enqueue(new CapturedLog(category, LogLevel.Trace, "(scope) " + Describe(state)));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception) + " | " + Describe(state) + (exception is null ? "" : " | " + exception);
            entries.Enqueue(new CapturedLog(category, logLevel, text));
        }

        // Structured values too: a sink that writes them as fields (JSON console, OpenTelemetry) would show them.
        private static string Describe<TState>(TState state) =>
            state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join("; ", pairs.Select(kv => $"{kv.Key}={kv.Value}"))
                : state?.ToString() ?? "";
    }
}

internal sealed record CapturedLog(string Category, LogLevel Level, string Text);
