using TruthTable.Contracts;

namespace TruthTable.Core.Events;

/// <summary>The one place that raises audit events; every registered <see cref="IAuditEventSink"/> receives them.</summary>
public sealed class AuditEventBroadcaster(IEnumerable<IAuditEventSink> sinks)
{
    private readonly IAuditEventSink[] _sinks = sinks.ToArray();

    public void Started(AuditStartedEvent e, AuditExchangeDetails? details = null) =>
        Publish(new AuditEventEnvelope(e.RequestId, e, details));

    public void Complete(AuditCompleteEvent e, AuditExchangeDetails? details = null) =>
        Publish(new AuditEventEnvelope(e.RequestId, e, details));

    public void Failed(AuditFailedEvent e, AuditExchangeDetails? details = null, bool uncaptured = false) =>
        Publish(new AuditEventEnvelope(e.RequestId, e, details, uncaptured));

    public void Health(HealthUpdateEvent e) => Publish(new AuditEventEnvelope(null, e));

    public void Stats(StatsUpdateEvent e) => Publish(new AuditEventEnvelope(null, e));

    private void Publish(AuditEventEnvelope envelope)
    {
        foreach (var sink in _sinks)
        {
            sink.Publish(envelope);
        }
    }
}
