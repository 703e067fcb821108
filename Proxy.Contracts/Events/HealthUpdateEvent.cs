namespace TruthTable.Contracts;

/// <summary>Periodic health of the audit path.</summary>
/// <param name="AuditService">"healthy", "degraded" or "unavailable".</param>
/// <param name="CircuitState">The circuit breaker around the audit service: "closed", "open" or "half_open".</param>
/// <param name="QueueDepth">Jobs waiting in the audit queue.</param>
/// <param name="QueueCapacity">The audit queue's capacity.</param>
/// <param name="Connections">Open hub connections.</param>
/// <param name="Timestamp">Unix milliseconds.</param>
/// <param name="History">The audit history's write path; null when the host keeps no history.</param>
public sealed record HealthUpdateEvent(
    string AuditService, string CircuitState, int QueueDepth, int QueueCapacity, int Connections, long Timestamp,
    HistoryHealth? History = null);

/// <summary>The audit history's write path, in <see cref="HealthUpdateEvent.History"/>.</summary>
/// <param name="Backlog">Outcomes waiting to be written to the history.</param>
/// <param name="Capacity">The backlog's bound (History:QueueCapacity).</param>
/// <param name="Dropped">Outcomes not stored since the host started because the backlog was full.</param>
/// <param name="FailedWrites">Outcomes not stored since the host started because writing them failed.</param>
/// <param name="TextDropped">Outcomes stored without their question, answer and context since the host started,
/// because the backlog's memory budget (History:MaxQueuedBytes) was spent.</param>
/// <param name="QueueFullNotStored">Exchanges proxied uncopied since the host started because the audit queue was full
/// (AuditFailed "queue_full", counted as failed in StatsUpdate): counted here, not stored one row each, so an overload
/// cannot crowd the audits out of the history.</param>
public sealed record HistoryHealth(int Backlog, int Capacity, long Dropped, long FailedWrites, long TextDropped = 0, long QueueFullNotStored = 0);
