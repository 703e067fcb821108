// TEMPORARY: stand-in for the engine branch; removed when it is merged.
namespace TruthTable.Core.Engine;
public sealed record EvidenceDocument(string Id, string Content);
public enum ClaimVerdict { Supported, PartiallySupported, Unsupported, Contradicted }
public sealed record ClaimAssessment(string Claim, ClaimVerdict Verdict, float Confidence, IReadOnlyList<string> Evidence, string Reasoning);
public sealed record FaithfulnessReport(IReadOnlyList<ClaimAssessment> Claims, float FaithfulnessScore, string Grade, bool HallucinationDetected, string ReasoningTrace, IReadOnlyDictionary<string, long> StepTimings);
public sealed class FaithfulnessAuditor { public FaithfulnessReport Audit(string query, string answer, IReadOnlyList<EvidenceDocument> context, CancellationToken cancellationToken = default) => throw new NotImplementedException(); }
