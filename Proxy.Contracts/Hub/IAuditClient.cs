namespace TruthTable.Contracts;

/// <summary>
/// The events the audit hub pushes to its clients. One method per event, each taking one event record.
/// .NET clients bind with <c>connection.On&lt;AuditCompleteEvent&gt;(nameof(IAuditClient.AuditComplete), ...)</c>.
/// </summary>
public interface IAuditClient
{
    /// <summary>An audit job left the queue and is being sent to the audit service.</summary>
    Task AuditStarted(AuditStartedEvent auditStarted);

    /// <summary>The audit service returned a result for the exchange.</summary>
    Task AuditComplete(AuditCompleteEvent auditComplete);

    /// <summary>The exchange was not audited: the audit failed, or it was skipped (see <see cref="AuditFailedEvent.Skipped"/>).</summary>
    Task AuditFailed(AuditFailedEvent auditFailed);

    /// <summary>Periodic health of the audit service, the queue and the hub (feed subscribers only).</summary>
    Task HealthUpdate(HealthUpdateEvent healthUpdate);

    /// <summary>Periodic running totals of the pipeline (feed subscribers only).</summary>
    Task StatsUpdate(StatsUpdateEvent statsUpdate);
}
