using Microsoft.Extensions.Diagnostics.HealthChecks;
using TruthTable.Core.Auditing;
using TruthTable.Core.Pipeline;
using TruthTable.Host.EmbeddedEngine;

namespace TruthTable.Host.Health;

/// <summary>Ready when the audit service answers HealthCheck, its circuit is closed and the queue has room.</summary>
/// <param name="engineThreads">The embedded engine's in-process threads; null with an external engine or over HTTP/2.</param>
public sealed class AuditReadinessCheck(
    IAuditEngineClient engine, AuditQueue queue, SpareCapacityGate capacity, EngineThreads? engineThreads = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["circuit"] = engine.CircuitState,
            ["queueDepth"] = queue.Depth,
            ["queueCapacity"] = queue.Capacity,
            ["queueReserved"] = queue.Reserved,
            // Whether audits currently yield the cores to proxied requests, and how often they have.
            ["threadPoolQueueWaitMs"] = Math.Round(capacity.QueueWait.TotalMilliseconds, 3),
            ["cpuShare"] = Math.Round(capacity.CpuShare, 2),
            ["auditHolds"] = capacity.Holds,
            // The two readings above are taken only while audits or the history ask for them; idle, they read 0.
            ["capacitySampling"] = capacity.IsSampling,
        };
        if (engineThreads is not null)
        {
            // How often audits fell behind and ran at the proxy's priority instead of the engine's lower one.
            data["auditsAtProxyPriority"] = engineThreads.RunsWhileBehind;
        }

        if (engine.CircuitState != "closed")
        {
            return HealthCheckResult.Unhealthy($"The audit service circuit is {engine.CircuitState}.", data: data);
        }

        if (!queue.HasRoom)
        {
            return HealthCheckResult.Unhealthy("The audit queue is full.", data: data);
        }

        return await engine.CheckHealthAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The audit service answers.", data)
            : HealthCheckResult.Unhealthy("The audit service does not answer HealthCheck.", data: data);
    }
}
