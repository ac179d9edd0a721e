using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Testing.Logging;

/// <summary>One log line as the application wrote it.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message);

/// <summary>
/// Keeps every line an application logs, at every level, so a test can assert what was (and was not) logged: a refused
/// request's warning, no error for a client that went away, no secret in any line.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

    /// <summary>
    /// Whether a line matching <paramref name="match"/> is logged within <paramref name="timeout"/> (polled every 50 ms):
    /// for what the server logs after the client has its answer, such as Kestrel's "Request finished".
    /// </summary>
    public async Task<bool> WaitForAsync(Func<LogEntry, bool> match, TimeSpan timeout)
    {
        for (var waited = TimeSpan.Zero; waited < timeout; waited += Poll)
        {
            if (Entries.Any(match)) return true;
            await Task.Delay(Poll);
        }
        return Entries.Any(match);
    }

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
    }
}
