namespace TruthTable.Contracts;

/// <summary>The result of auditing one answer against its context.</summary>
public sealed record AuditCompleteEvent
{
    /// <summary>The request id of the proxied exchange or direct audit.</summary>
    public required string RequestId { get; init; }
    /// <summary>The id the audit service gave the audit.</summary>
    public required string AuditId { get; init; }
    /// <summary>The model named in the request, or an empty string.</summary>
    public required string Model { get; init; }
    /// <summary>Faithfulness of the answer to its context, from 0 to 1.</summary>
    public required double TrustScore { get; init; }
    /// <summary>Share of claims that are unsupported or contradicted, from 0 to 1.</summary>
    public required double HallucinationRate { get; init; }
    /// <summary>"A" (score ≥ 0.90), "B" (≥ 0.75), "C" (≥ 0.60), "D" (≥ 0.40) or "F".</summary>
    public required string Grade { get; init; }
    /// <summary>A short human verdict: "faithful", "partially_faithful" or "hallucinated".</summary>
    public required string Verdict { get; init; }
    /// <summary>Whether at least one claim is unsupported or contradicted.</summary>
    public required bool HallucinationDetected { get; init; }
    /// <summary>Number of claims the answer was split into.</summary>
    public required int TotalClaims { get; init; }
    /// <summary>Claims supported (fully or partially) by the context.</summary>
    public required int SupportedClaims { get; init; }
    /// <summary>Claims the context says nothing about.</summary>
    public required int UnsupportedClaims { get; init; }
    /// <summary>Claims the context contradicts.</summary>
    public required int ContradictedClaims { get; init; }
    /// <summary>One verification per claim.</summary>
    public required IReadOnlyList<ClaimVerificationDto> Verifications { get; init; }
    /// <summary>The audit service's readable account of how it reached the result.</summary>
    public required string ReasoningTrace { get; init; }
    /// <summary>Milliseconds spent in each step of the audit.</summary>
    public required IReadOnlyDictionary<string, long> StepTimings { get; init; }
    /// <summary>Milliseconds the audit service spent on the audit.</summary>
    public required long ProcessingTimeMs { get; init; }
    /// <summary>When the result arrived, in Unix milliseconds.</summary>
    public required long Timestamp { get; init; }
}

/// <summary>The verification of one claim.</summary>
/// <param name="Claim">The claim text.</param>
/// <param name="Status">"supported", "partially_supported", "unsupported", "contradicted" or "unspecified".</param>
/// <param name="Supported">True for supported and partially supported claims.</param>
/// <param name="Confidence">The audit service's confidence, from 0 to 1.</param>
/// <param name="Evidence">Evidence snippets from the context.</param>
/// <param name="Reasoning">One line on why the claim got its status.</param>
public sealed record ClaimVerificationDto(
    string Claim, string Status, bool Supported, double Confidence, IReadOnlyList<string> Evidence, string Reasoning);
