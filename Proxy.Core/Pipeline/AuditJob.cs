using TruthTable.Core.Capture;
using TruthTable.Core.Extraction;

namespace TruthTable.Core.Pipeline;

/// <summary>
/// One unit of work for the audit workers: either a captured proxy exchange (extracted by the worker, off the
/// request path) or a direct audit posted to the API.
/// </summary>
public sealed class AuditJob : IDisposable
{
    private AuditJob(string requestId, long enqueuedTimestamp, CapturedExchange? captured, AuditableExchange? direct)
    {
        RequestId = requestId;
        EnqueuedTimestamp = enqueuedTimestamp;
        Captured = captured;
        Direct = direct;
    }

    public string RequestId { get; }

    /// <summary>A <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    public long EnqueuedTimestamp { get; }

    public CapturedExchange? Captured { get; }

    public AuditableExchange? Direct { get; }

    public static AuditJob ForCapture(CapturedExchange exchange, long enqueuedTimestamp) =>
        new(exchange.RequestId, enqueuedTimestamp, exchange, null);

    public static AuditJob ForDirectAudit(string requestId, AuditableExchange exchange, long enqueuedTimestamp) =>
        new(requestId, enqueuedTimestamp, null, exchange);

    public void Dispose() => Captured?.Dispose();
}
