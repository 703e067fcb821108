namespace TruthTable.Contracts;

/// <summary>An exchange that ended without an audit result.</summary>
/// <param name="RequestId">The request id of the proxied exchange or direct audit.</param>
/// <param name="Reason">
/// A stable machine-readable code. Failures: queue_full, timeout, unavailable, engine_failed, invalid_result,
/// shutdown. Skips (<paramref name="Skipped"/> is true): too_large, truncated, upstream_status, unparseable,
/// empty_answer.
/// </param>
/// <param name="Error">A human-readable explanation; never contains secrets.</param>
/// <param name="Skipped">True when the exchange was deliberately not audited rather than failed.</param>
/// <param name="Timestamp">When the outcome was decided, in Unix milliseconds.</param>
public sealed record AuditFailedEvent(string RequestId, string Reason, string Error, bool Skipped, long Timestamp);
