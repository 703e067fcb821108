using TruthTable.Audit.V1;
using TruthTable.Core.Auditing;

namespace TruthTable.Tests.Auditing;

public sealed class AuditResultMapperTests
{
    private static AuditResult Result(params VerificationStatus[] statuses)
    {
        var result = new AuditResult
        {
            AuditId = "a1", Status = AuditStatus.Completed, FaithfulnessScore = 0.5f, Grade = TrustGrade.D,
            ReasoningTrace = "trace", ProcessingTimeMs = 12, StepTimings = { ["verification"] = 3 },
        };
        foreach (var status in statuses)
        {
            result.Claims.Add(new ClaimVerification { Claim = status.ToString(), Status = status, Confidence = 0.8f, Evidence = { "ev" } });
        }

        return result;
    }

    [Fact]
    public void ToCompleteEvent_MixedClaims_CountsRateAndVerdict()
    {
        var e = AuditResultMapper.ToCompleteEvent(
            Result(VerificationStatus.Supported, VerificationStatus.PartiallySupported, VerificationStatus.Unsupported, VerificationStatus.Contradicted),
            "r1", "gpt", 1000);

        Assert.Equal(("r1", "a1", "gpt", "D"), (e.RequestId, e.AuditId, e.Model, e.Grade));
        Assert.Equal((4, 2, 1, 1), (e.TotalClaims, e.SupportedClaims, e.UnsupportedClaims, e.ContradictedClaims));
        Assert.Equal(0.5, e.HallucinationRate);
        Assert.True(e.HallucinationDetected);
        Assert.Equal("partially_faithful", e.Verdict);
        Assert.Equal(["supported", "partially_supported", "unsupported", "contradicted"], e.Verifications.Select(v => v.Status));
        Assert.Equal([true, true, false, false], e.Verifications.Select(v => v.Supported));
        Assert.Equal(3, e.StepTimings["verification"]);
        Assert.Equal((12L, 1000L), (e.ProcessingTimeMs, e.Timestamp));
    }

    [Fact]
    public void ToCompleteEvent_AllSupported_Faithful()
    {
        var e = AuditResultMapper.ToCompleteEvent(Result(VerificationStatus.Supported), "r", "", 0);
        Assert.Equal(("faithful", false, 0.0), (e.Verdict, e.HallucinationDetected, e.HallucinationRate));
    }

    [Fact]
    public void ToCompleteEvent_NothingSupported_Hallucinated()
    {
        var e = AuditResultMapper.ToCompleteEvent(Result(VerificationStatus.Contradicted), "r", "", 0);
        Assert.Equal("hallucinated", e.Verdict);
    }

    [Theory]
    [InlineData(0.90f, "A")]
    [InlineData(0.8999f, "B")]
    [InlineData(0.75f, "B")]
    [InlineData(0.60f, "C")]
    [InlineData(0.40f, "D")]
    [InlineData(0.39f, "F")]
    public void ToLetter_UnspecifiedGrade_DerivedFromScore(float score, string letter) =>
        Assert.Equal(letter, AuditResultMapper.ToLetter(TrustGrade.Unspecified, score));

    [Fact]
    public void ToLetter_GradeGiven_TakesEngineGrade() => Assert.Equal("A", AuditResultMapper.ToLetter(TrustGrade.A, 0.1f));
}
