namespace TruthTable.Contracts;

/// <summary>Periodic health of the audit path.</summary>
/// <param name="AuditService">"healthy", "degraded" or "unavailable".</param>
/// <param name="CircuitState">The circuit breaker around the audit service: "closed", "open" or "half_open".</param>
/// <param name="QueueDepth">Jobs waiting in the audit queue.</param>
/// <param name="QueueCapacity">The audit queue's capacity.</param>
/// <param name="Connections">Open hub connections.</param>
/// <param name="Timestamp">Unix milliseconds.</param>
public sealed record HealthUpdateEvent(
    string AuditService, string CircuitState, int QueueDepth, int QueueCapacity, int Connections, long Timestamp);
