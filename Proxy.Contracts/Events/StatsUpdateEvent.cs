namespace TruthTable.Contracts;

/// <summary>Running totals of the audit pipeline since the host started.</summary>
/// <param name="TotalAudits">Exchanges that reached an outcome: successful + failed + skipped.</param>
/// <param name="SuccessfulAudits">Audits that completed with a result.</param>
/// <param name="FailedAudits">Audits that failed (queue full, timeout, unavailable, ...).</param>
/// <param name="Skipped">Exchanges deliberately not audited (too large, truncated, non-2xx, ...).</param>
/// <param name="AverageScore">Mean trust score of successful audits, 0 when there are none.</param>
/// <param name="AverageTimeMs">Mean time from enqueue to result of successful audits, in milliseconds.</param>
/// <param name="Timestamp">Unix milliseconds.</param>
public sealed record StatsUpdateEvent(
    long TotalAudits, long SuccessfulAudits, long FailedAudits, long Skipped, double AverageScore, double AverageTimeMs,
    long Timestamp);
