namespace TruthTable.Core.Engine;

/// <summary>The verdict on one atomic claim, with the context sentences it was judged against.</summary>
public sealed record ClaimAssessment(
    string Claim,
    ClaimVerdict Verdict,
    float Confidence,
    IReadOnlyList<string> Evidence,
    string Reasoning);
