namespace TruthTable.Contracts;

/// <summary>What is known of one request's audit, returned by <see cref="IAuditHub.SubscribeToRequest"/>.</summary>
/// <param name="RequestId">The request id.</param>
/// <param name="Status">"started", "complete" or "failed" (skips are "failed" with <see cref="AuditFailedEvent.Skipped"/> set).</param>
/// <param name="Started">The start event, when the audit has started.</param>
/// <param name="Complete">The result, when the status is "complete".</param>
/// <param name="Failed">The failure or skip, when the status is "failed".</param>
public sealed record AuditState(
    string RequestId, string Status, AuditStartedEvent? Started, AuditCompleteEvent? Complete, AuditFailedEvent? Failed)
{
    /// <summary>Status of an audit that has started and not ended.</summary>
    public const string StatusStarted = "started";
    /// <summary>Status of an audit that ended with a result.</summary>
    public const string StatusComplete = "complete";
    /// <summary>Status of an exchange that ended without a result.</summary>
    public const string StatusFailed = "failed";

    /// <summary>True once the audit has ended, with a result or without.</summary>
    public bool IsFinal => Status is StatusComplete or StatusFailed;
}
