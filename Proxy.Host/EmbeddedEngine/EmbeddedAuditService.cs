using System.Diagnostics;
using Grpc.Core;
using TruthTable.Audit.V1;
using TruthTable.Core.Auditing;
using TruthTable.Core.Engine;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// The embedded engine behind the same gRPC contract as the Python engine, and in the same style: SubmitAudit
/// answers when the audit is done ("completed"), GetAuditResult serves the stored result or NOT_FOUND. A client
/// that asks for it (<see cref="AuditResultTrailer"/>, as TruthTable's pipeline does) also gets the result in
/// SubmitAudit's trailers and needs no second call.
/// </summary>
public sealed class EmbeddedAuditService(
    FaithfulnessAuditor auditor, EmbeddedResultStore results, TimeProvider timeProvider) : AuditService.AuditServiceBase
{
    public const string Version = "truthtable-embedded/1.0";

    public override Task<AuditSubmission> SubmitAudit(AuditRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Response))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "response must not be empty."));
        }

        var started = Stopwatch.GetTimestamp();
        var documents = request.Context.Select((d, i) => new EvidenceDocument(string.IsNullOrEmpty(d.Id) ? $"context[{i}]" : d.Id, d.Content)).ToArray();
        var report = auditor.Audit(request.Query, request.Response, documents, context.CancellationToken);
        var result = ToResult(report, request.RequestId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var asked = AuditResultTrailer.IsAskedFor(context.RequestHeaders);
        if (asked && context.Peer != InProcessServerCallContext.InProcessPeer)
        {
            AuditResultTrailer.Attach(context.ResponseTrailers, results.AddAndSerialize(result));
        }
        else
        {
            results.Add(result);
            if (asked)
            {
                // In process the caller reads these trailers themselves, and the result is not touched after this.
                AuditResultTrailer.HandOver(context.ResponseTrailers, result);
            }
        }

        return Task.FromResult(new AuditSubmission { AuditId = result.AuditId, Status = "completed" });
    }

    public override Task<AuditResult> GetAuditResult(AuditResultRequest request, ServerCallContext context) =>
        results.Find(request.AuditId) is { } result
            ? Task.FromResult(result)
            : throw new RpcException(new Status(StatusCode.NotFound, "No audit with that id."));

    public override Task<HealthResponse> HealthCheck(HealthRequest request, ServerCallContext context) =>
        Task.FromResult(new HealthResponse { Healthy = true, Version = Version, Dependencies = { ["auditor"] = true } });

    private AuditResult ToResult(FaithfulnessReport report, string requestId, long processingTimeMs)
    {
        var result = new AuditResult
        {
            AuditId = Guid.CreateVersion7().ToString("N"),
            RequestId = requestId,
            Status = AuditStatus.Completed,
            FaithfulnessScore = report.FaithfulnessScore,
            Grade = report.Grade switch
            {
                "A" => TrustGrade.A,
                "B" => TrustGrade.B,
                "C" => TrustGrade.C,
                "D" => TrustGrade.D,
                _ => TrustGrade.F,
            },
            ReasoningTrace = report.ReasoningTrace,
            CompletedAtMs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            ProcessingTimeMs = processingTimeMs,
            HallucinationDetected = report.HallucinationDetected,
        };
        foreach (var (step, ms) in report.StepTimings)
        {
            result.StepTimings[step] = ms;
        }

        foreach (var claim in report.Claims)
        {
            result.Claims.Add(new ClaimVerification
            {
                Claim = claim.Claim,
                Status = claim.Verdict switch
                {
                    ClaimVerdict.Supported => VerificationStatus.Supported,
                    ClaimVerdict.PartiallySupported => VerificationStatus.PartiallySupported,
                    ClaimVerdict.Contradicted => VerificationStatus.Contradicted,
                    _ => VerificationStatus.Unsupported,
                },
                Confidence = claim.Confidence,
                Evidence = { claim.Evidence },
            });
        }

        return result;
    }
}
