using TruthTable.Contracts;
using TruthTable.Core.Events;

namespace TruthTable.Core.History;

/// <summary>Turns an outcome event (and its start, when known) into a stored record, and a record back into hub state.</summary>
public static class AuditRecordMapper
{
    /// <summary>The record for an AuditComplete or AuditFailed envelope; null for any other event.</summary>
    public static AuditRecord? FromOutcome(AuditEventEnvelope envelope, AuditStartedEvent? started, bool storeText)
    {
        var details = envelope.Details;
        return envelope.Event switch
        {
            AuditCompleteEvent complete => FromComplete(complete, details, started, storeText),
            AuditFailedEvent failed => FromFailed(failed, details, started, storeText),
            _ => null,
        };
    }

    private static AuditRecord FromComplete(
        AuditCompleteEvent e, AuditExchangeDetails? details, AuditStartedEvent? started, bool storeText) =>
        Exchange(e.RequestId, AuditOutcomes.Complete, e.Model, e.Timestamp, details, started, storeText) with
        {
            EngineMs = e.ProcessingTimeMs,
            AuditId = e.AuditId,
            TrustScore = e.TrustScore,
            HallucinationRate = e.HallucinationRate,
            Grade = e.Grade,
            Verdict = e.Verdict,
            HallucinationDetected = e.HallucinationDetected,
            TotalClaims = e.TotalClaims,
            SupportedClaims = e.SupportedClaims,
            UnsupportedClaims = e.UnsupportedClaims,
            ContradictedClaims = e.ContradictedClaims,
            Claims = e.Verifications.Select(v => new StoredClaim(
                storeText ? v.Claim : null, v.Status, v.Supported, v.Confidence, v.Evidence.Count,
                storeText ? v.Evidence : null, storeText ? v.Reasoning : null)).ToArray(),
            StepTimings = e.StepTimings,
            ReasoningTrace = storeText ? e.ReasoningTrace : null,
        };

    private static AuditRecord FromFailed(
        AuditFailedEvent e, AuditExchangeDetails? details, AuditStartedEvent? started, bool storeText) =>
        Exchange(e.RequestId, e.Skipped ? AuditOutcomes.Skipped : AuditOutcomes.Failed,
            details?.Model ?? started?.Model ?? "", e.Timestamp, details, started, storeText) with
        {
            Reason = e.Reason,
            Error = e.Error,
        };

    /// <summary>What every outcome has: the exchange, its timings and (when stored) its text.</summary>
    private static AuditRecord Exchange(
        string requestId, string outcome, string model, long finishedAt, AuditExchangeDetails? details,
        AuditStartedEvent? started, bool storeText) => new()
    {
        RequestId = requestId,
        Outcome = outcome,
        Model = model,
        Route = details?.Route ?? "",
        UpstreamStatus = details?.UpstreamStatus,
        ResponseSize = started?.ResponseSize,
        QueuedMs = started?.QueuedMs,
        StartedAt = started?.Timestamp,
        FinishedAt = finishedAt,
        AuditMs = started is null ? null : Math.Max(0, finishedAt - started.Timestamp),
        // Text can also be missing because the backlog's text budget was spent (HistoryQueue).
        TextStored = storeText && details?.Answer is not null,
        Question = storeText ? details?.Query : null,
        Answer = storeText ? details?.Answer : null,
        Context = storeText ? details?.Context : null,
    };

    /// <summary>What <c>SubscribeToRequest</c> returns for a stored outcome: the same shape the live cache gives.</summary>
    public static AuditState ToState(AuditRecord r)
    {
        var started = r.StartedAt is { } startedAt
            ? new AuditStartedEvent(r.RequestId, r.Model, r.ResponseSize ?? 0, r.QueuedMs ?? 0, startedAt)
            : null;
        if (r.Outcome != AuditOutcomes.Complete)
        {
            var failed = new AuditFailedEvent(r.RequestId, r.Reason ?? "", r.Error ?? "",
                Skipped: r.Outcome == AuditOutcomes.Skipped, r.FinishedAt);
            return new AuditState(r.RequestId, AuditState.StatusFailed, started, null, failed);
        }

        var complete = new AuditCompleteEvent
        {
            RequestId = r.RequestId,
            AuditId = r.AuditId ?? "",
            Model = r.Model,
            TrustScore = r.TrustScore ?? 0,
            HallucinationRate = r.HallucinationRate ?? 0,
            Grade = r.Grade ?? "",
            Verdict = r.Verdict ?? "",
            HallucinationDetected = r.HallucinationDetected ?? false,
            TotalClaims = r.TotalClaims ?? 0,
            SupportedClaims = r.SupportedClaims ?? 0,
            UnsupportedClaims = r.UnsupportedClaims ?? 0,
            ContradictedClaims = r.ContradictedClaims ?? 0,
            Verifications = (r.Claims ?? []).Select(c => new ClaimVerificationDto(
                c.Claim ?? "", c.Status, c.Supported, c.Confidence, c.Evidence ?? [], c.Reasoning ?? "")).ToArray(),
            ReasoningTrace = r.ReasoningTrace ?? "",
            StepTimings = r.StepTimings ?? new Dictionary<string, long>(),
            ProcessingTimeMs = r.EngineMs ?? 0,
            Timestamp = r.FinishedAt,
        };
        return new AuditState(r.RequestId, AuditState.StatusComplete, started, complete, null);
    }
}
