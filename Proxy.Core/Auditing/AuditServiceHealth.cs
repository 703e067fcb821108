using TruthTable.Contracts;
using TruthTable.Core.History;
using TruthTable.Core.Hub;
using TruthTable.Core.Pipeline;

namespace TruthTable.Core.Auditing;

/// <summary>Health of the audit path as a whole: the audit service, its circuit, the queue, the hub and the history.</summary>
public sealed class AuditServiceHealth(
    IAuditEngineClient engine, AuditQueue queue, HubSubscribers hubClients, TimeProvider timeProvider,
    IAuditHistoryHealth? history = null)
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unavailable = "unavailable";

    public async Task<HealthUpdateEvent> CheckAsync(CancellationToken cancellationToken)
    {
        var circuit = engine.CircuitState;
        var answers = circuit != "open" && await engine.CheckHealthAsync(cancellationToken);
        var status = !answers ? Unavailable : circuit == "closed" && queue.HasRoom ? Healthy : Degraded;
        return new HealthUpdateEvent(status, circuit, queue.Depth, queue.Capacity, hubClients.ConnectionCount,
            timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), history?.Snapshot());
    }
}
