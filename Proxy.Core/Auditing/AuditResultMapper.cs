using TruthTable.Audit.V1;
using TruthTable.Contracts;

namespace TruthTable.Core.Auditing;

/// <summary>Turns the audit service's proto result into the event clients receive.</summary>
public static class AuditResultMapper
{
    public static AuditCompleteEvent ToCompleteEvent(AuditResult result, string requestId, string model, long timestamp)
    {
        var verifications = result.Claims.Select(ToVerification).ToArray();
        var supported = result.Claims.Count(c => c.Status is VerificationStatus.Supported or VerificationStatus.PartiallySupported);
        var unsupported = result.Claims.Count(c => c.Status == VerificationStatus.Unsupported);
        var contradicted = result.Claims.Count(c => c.Status == VerificationStatus.Contradicted);
        var total = result.Claims.Count;
        var hallucinated = result.HallucinationDetected || unsupported + contradicted > 0;

        return new AuditCompleteEvent
        {
            RequestId = requestId,
            AuditId = result.AuditId,
            Model = model,
            TrustScore = Math.Round(result.FaithfulnessScore, 4),
            HallucinationRate = total == 0 ? 0 : Math.Round((double)(unsupported + contradicted) / total, 4),
            Grade = ToLetter(result.Grade, result.FaithfulnessScore),
            Verdict = !hallucinated ? "faithful" : supported > 0 ? "partially_faithful" : "hallucinated",
            HallucinationDetected = hallucinated,
            TotalClaims = total,
            SupportedClaims = supported,
            UnsupportedClaims = unsupported,
            ContradictedClaims = contradicted,
            Verifications = verifications,
            ReasoningTrace = result.ReasoningTrace,
            StepTimings = new Dictionary<string, long>(result.StepTimings),
            ProcessingTimeMs = result.ProcessingTimeMs,
            Timestamp = timestamp,
        };
    }

    /// <summary>The letter for a grade; an engine that leaves it unspecified gets the letter its score earns.</summary>
    public static string ToLetter(TrustGrade grade, float score) => grade switch
    {
        TrustGrade.A => "A",
        TrustGrade.B => "B",
        TrustGrade.C => "C",
        TrustGrade.D => "D",
        TrustGrade.F => "F",
        _ => GradeForScore(score),
    };

    // Rounded first: 0.90f is 0.8999999761581421 as a double and must still earn an A.
    public static string GradeForScore(double score) => Math.Round(score, 4) switch
    {
        >= 0.90 => "A",
        >= 0.75 => "B",
        >= 0.60 => "C",
        >= 0.40 => "D",
        _ => "F",
    };

    private static ClaimVerificationDto ToVerification(ClaimVerification claim)
    {
        var status = claim.Status switch
        {
            VerificationStatus.Supported => "supported",
            VerificationStatus.PartiallySupported => "partially_supported",
            VerificationStatus.Unsupported => "unsupported",
            VerificationStatus.Contradicted => "contradicted",
            _ => "unspecified",
        };
        var supported = claim.Status is VerificationStatus.Supported or VerificationStatus.PartiallySupported;
        var reasoning = claim.Status switch
        {
            VerificationStatus.Supported => $"Supported by {Evidence(claim)} in the context.",
            VerificationStatus.PartiallySupported => $"Partly supported by {Evidence(claim)}; some details are not in the context.",
            VerificationStatus.Contradicted => $"Contradicted by {Evidence(claim)} in the context.",
            VerificationStatus.Unsupported => "Nothing in the context supports this claim.",
            _ => "The audit service gave no status for this claim.",
        };
        return new ClaimVerificationDto(claim.Claim, status, supported, Math.Round(claim.Confidence, 4), claim.Evidence.ToArray(), reasoning);
    }

    private static string Evidence(ClaimVerification claim) =>
        claim.Evidence.Count == 1 ? "1 evidence snippet" : $"{claim.Evidence.Count} evidence snippets";
}
