namespace TruthTable.Core.Events;

/// <summary>
/// One adapter that delivers audit events somewhere (SignalR, plain WebSocket, state cache, stats, history).
/// <see cref="Publish"/> is called on the pipeline's threads and sometimes on the request path: it must not
/// block or await; a sink that does I/O queues the event in a bounded buffer of its own.
/// </summary>
public interface IAuditEventSink
{
    void Publish(AuditEventEnvelope envelope);
}

/// <summary>
/// An event as raised once by the pipeline: <see cref="Event"/> is one of the Proxy.Contracts event records
/// (AuditStartedEvent, AuditCompleteEvent, AuditFailedEvent, HealthUpdateEvent, StatsUpdateEvent).
/// <see cref="RequestId"/> is null for feed-only events (health, stats). <see cref="Details"/> is set for the
/// outcome events of an exchange (started, complete, failed). <see cref="Uncaptured"/> marks the AuditFailed of an
/// exchange proxied without a copy because the audit queue was full when it arrived: under overload there is one
/// per request, so sinks that keep outcomes count these instead of storing each (they would crowd out the audits).
/// </summary>
public sealed record AuditEventEnvelope(string? RequestId, object Event, AuditExchangeDetails? Details = null, bool Uncaptured = false);
