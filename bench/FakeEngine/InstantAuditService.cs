using Grpc.Core;
using TruthTable.Audit.V1;

namespace TruthTable.Bench.FakeEngine;

/// <summary>
/// SubmitAudit answers "completed" at once; GetAuditResult returns a fixed, valid result for any id (the audit id
/// carries the request id, so nothing is stored and memory stays flat however long the benchmark runs).
/// </summary>
public sealed class InstantAuditService : AuditService.AuditServiceBase
{
    private static readonly Task<HealthResponse> Healthy =
        Task.FromResult(new HealthResponse { Healthy = true, Version = "bench-fake-engine/1.0" });

    public override Task<AuditSubmission> SubmitAudit(AuditRequest request, ServerCallContext context) =>
        Task.FromResult(new AuditSubmission { AuditId = "fake-" + request.RequestId, Status = "completed" });

    public override Task<AuditResult> GetAuditResult(AuditResultRequest request, ServerCallContext context)
    {
        var result = new AuditResult
        {
            AuditId = request.AuditId,
            RequestId = request.AuditId.StartsWith("fake-", StringComparison.Ordinal) ? request.AuditId[5..] : request.AuditId,
            Status = AuditStatus.Completed,
            FaithfulnessScore = 1f,
            Grade = TrustGrade.A,
            ReasoningTrace = "bench: not audited",
            CompletedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ProcessingTimeMs = 0,
            HallucinationDetected = false,
            Claims = { new ClaimVerification { Claim = "Amsterdam is the capital of the Netherlands.", Status = VerificationStatus.Supported, Confidence = 1f } },
        };
        return Task.FromResult(result);
    }

    public override Task<HealthResponse> HealthCheck(HealthRequest request, ServerCallContext context) => Healthy;
}
