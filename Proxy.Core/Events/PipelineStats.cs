using TruthTable.Contracts;

namespace TruthTable.Core.Events;

/// <summary>Running totals since start, fed by the same events the clients see.</summary>
public sealed class PipelineStats(TimeProvider timeProvider) : IAuditEventSink
{
    private readonly Lock _gate = new();
    private long _successful;
    private long _failed;
    private long _skipped;
    private double _scoreSum;
    private double _timeSumMs;

    public void Publish(AuditEventEnvelope envelope)
    {
        switch (envelope.Event)
        {
            case AuditCompleteEvent complete:
                lock (_gate)
                {
                    _successful++;
                    _scoreSum += complete.TrustScore;
                    _timeSumMs += complete.ProcessingTimeMs;
                }

                break;
            case AuditFailedEvent { Skipped: true }:
                Interlocked.Increment(ref _skipped);
                break;
            case AuditFailedEvent:
                Interlocked.Increment(ref _failed);
                break;
        }
    }

    public StatsUpdateEvent Snapshot()
    {
        lock (_gate)
        {
            var failed = Interlocked.Read(ref _failed);
            var skipped = Interlocked.Read(ref _skipped);
            return new StatsUpdateEvent(
                TotalAudits: _successful + failed + skipped,
                SuccessfulAudits: _successful,
                FailedAudits: failed,
                Skipped: skipped,
                AverageScore: _successful == 0 ? 0 : Math.Round(_scoreSum / _successful, 4),
                AverageTimeMs: _successful == 0 ? 0 : Math.Round(_timeSumMs / _successful, 2),
                Timestamp: timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }
}
