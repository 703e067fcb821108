using TruthTable.Audit.V1;

namespace TruthTable.Core.Auditing;

/// <summary>The audit service as the pipeline sees it: one call per audit, failures as reasons, never exceptions.</summary>
public interface IAuditEngineClient
{
    Task<AuditCallResult> AuditAsync(AuditRequest request, CancellationToken cancellationToken);

    /// <summary>Calls HealthCheck with a short deadline; false when it fails or reports unhealthy.</summary>
    Task<bool> CheckHealthAsync(CancellationToken cancellationToken);

    /// <summary>"closed", "open" or "half_open".</summary>
    string CircuitState { get; }
}
