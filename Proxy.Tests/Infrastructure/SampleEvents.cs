using TruthTable.Contracts;

namespace TruthTable.Tests.Infrastructure;

internal static class SampleEvents
{
    public static AuditCompleteEvent Complete(string requestId, double score = 0.95, string grade = "A") => new()
    {
        RequestId = requestId, AuditId = "a-" + requestId, Model = "m", TrustScore = score, HallucinationRate = 0,
        Grade = grade, Verdict = "faithful", HallucinationDetected = false, TotalClaims = 1, SupportedClaims = 1,
        UnsupportedClaims = 0, ContradictedClaims = 0,
        Verifications = [new ClaimVerificationDto("c", "supported", true, 0.9, ["e"], "r")],
        ReasoningTrace = "t", StepTimings = new Dictionary<string, long>(), ProcessingTimeMs = 5, Timestamp = 1,
    };
}
