namespace TruthTable.Core.Engine;

/// <summary>The outcome of auditing one answer against its context.</summary>
/// <param name="FaithfulnessScore">0..1; see <see cref="FaithfulnessScorer"/> for how claims are weighted.</param>
/// <param name="Grade">"A" (score ≥ 0.90), "B" (≥ 0.75), "C" (≥ 0.60), "D" (≥ 0.40), else "F".</param>
/// <param name="HallucinationDetected">True when any claim is Unsupported or Contradicted.</param>
/// <param name="ReasoningTrace">A readable multi-line account of every claim's verdict.</param>
/// <param name="StepTimings">Milliseconds per step: claim_extraction, evidence_retrieval, verification, scoring.</param>
public sealed record FaithfulnessReport(
    IReadOnlyList<ClaimAssessment> Claims,
    float FaithfulnessScore,
    string Grade,
    bool HallucinationDetected,
    string ReasoningTrace,
    IReadOnlyDictionary<string, long> StepTimings);
