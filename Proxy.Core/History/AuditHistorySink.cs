using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TruthTable.Contracts;
using TruthTable.Core.Events;

namespace TruthTable.Core.History;

/// <summary>
/// Feeds audit outcomes to the history. Runs on the pipeline's threads, so it only remembers starts (for the
/// timings) and hands outcomes to the bounded <see cref="HistoryQueue"/>; the database is written elsewhere.
/// Exchanges turned away uncaptured by a full audit queue are counted, not stored.
/// </summary>
public sealed partial class AuditHistorySink(HistoryQueue queue, TimeProvider timeProvider, ILogger<AuditHistorySink> logger)
    : IAuditEventSink
{
    /// <summary>Starts kept for their timings; an audit's outcome follows its start, so this holds about one per worker.</summary>
    internal const int MaxPendingStarts = 4096;

    private static readonly TimeSpan OverflowLogInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, AuditStartedEvent> _started = new(StringComparer.Ordinal);
    private int _pendingStarts;
    private long _lastOverflowLog = long.MinValue;

    public void Publish(AuditEventEnvelope envelope)
    {
        switch (envelope.Event)
        {
            case AuditStartedEvent started:
                // Bounded in case outcomes ever stop following starts; a start not kept only costs its timings.
                if (Volatile.Read(ref _pendingStarts) < MaxPendingStarts && _started.TryAdd(started.RequestId, started))
                {
                    Interlocked.Increment(ref _pendingStarts);
                }

                break;
            case AuditFailedEvent when envelope.Uncaptured:
                // Turned away by a full audit queue: under overload one per request, which as rows would push the
                // audits out of the history (MaxRows) and its backlog. Counted; StatsUpdate counts them as failed too.
                queue.CountUncaptured();
                break;
            case AuditCompleteEvent or AuditFailedEvent:
                var requestId = envelope.RequestId!;
                AuditStartedEvent? start = null;
                if (_started.TryRemove(requestId, out var removed))
                {
                    Interlocked.Decrement(ref _pendingStarts);
                    start = removed;
                }

                if (!queue.TryEnqueue(envelope, start))
                {
                    ReportOverflow(requestId);
                }

                break;
        }
    }

    /// <summary>At most one warning per interval, with the running count: a burst must not flood the log.</summary>
    private void ReportOverflow(string requestId)
    {
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastOverflowLog);
        if (last != long.MinValue && timeProvider.GetElapsedTime(last, now) < OverflowLogInterval)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastOverflowLog, now, last) == last)
        {
            Log.Overflow(logger, requestId, queue.Dropped, queue.Capacity);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Audit history is behind: the outcome of {RequestId} was not stored ({Dropped} dropped since start; History:QueueCapacity is {Capacity})")]
        public static partial void Overflow(ILogger logger, string requestId, long dropped, int capacity);
    }
}
