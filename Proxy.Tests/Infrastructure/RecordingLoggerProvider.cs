using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TruthTable.Tests.Infrastructure;

/// <summary>Keeps every log entry a host writes, for tests about what an operator would read.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception);

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
    }
}
