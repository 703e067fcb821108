namespace TruthTable.Contracts;

/// <summary>An audit job left the queue and was sent to the audit service.</summary>
/// <param name="RequestId">The request id of the proxied exchange or direct audit.</param>
/// <param name="Model">The model named in the request, or an empty string.</param>
/// <param name="ResponseSize">The size in bytes of the captured (decoded) response body.</param>
/// <param name="QueuedMs">How long the job waited in the queue, in milliseconds.</param>
/// <param name="Timestamp">When the audit started, in Unix milliseconds.</param>
public sealed record AuditStartedEvent(string RequestId, string Model, long ResponseSize, long QueuedMs, long Timestamp);
