using TruthTable.Audit.V1;

namespace TruthTable.Core.Auditing;

/// <summary>The outcome of one audit call: a completed result, or a failure reason from <c>FailureReasons</c>.</summary>
public sealed record AuditCallResult(AuditResult? Result, string? FailureReason, string? FailureDetail)
{
    public static AuditCallResult Success(AuditResult result) => new(result, null, null);

    public static AuditCallResult Failure(string reason, string detail) => new(null, reason, detail);
}
