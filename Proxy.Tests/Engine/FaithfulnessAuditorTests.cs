using System.Diagnostics;
using System.Text;
using TruthTable.Core.Engine;
using Xunit.Abstractions;

namespace TruthTable.Tests.Engine;

public sealed class FaithfulnessAuditorTests(ITestOutputHelper output)
{
    private static readonly EvidenceDocument[] Context =
    [
        new("nl", "Amsterdam is the capital of the Netherlands. Rotterdam is home to the largest seaport in Europe."),
    ];

    private readonly FaithfulnessAuditor _auditor = new();

    [Fact]
    public void Audit_FaithfulAnswer_SupportedWithGradeA()
    {
        var report = _auditor.Audit("What is the capital?", "Amsterdam is the capital of the Netherlands.", Context);

        var claim = Assert.Single(report.Claims);
        Assert.Equal(ClaimVerdict.Supported, claim.Verdict);
        Assert.Equal(["Amsterdam is the capital of the Netherlands."], claim.Evidence.Take(1));
        Assert.Equal(1f, report.FaithfulnessScore);
        Assert.Equal("A", report.Grade);
        Assert.False(report.HallucinationDetected);
    }

    [Fact]
    public void Audit_SwappedCapital_ContradictedAndHallucinated()
    {
        var report = _auditor.Audit("What is the capital?", "Rotterdam is the capital of the Netherlands.", Context);

        var claim = Assert.Single(report.Claims);
        Assert.Equal(ClaimVerdict.Contradicted, claim.Verdict);
        Assert.Contains("Amsterdam", claim.Reasoning, StringComparison.Ordinal);
        Assert.Equal(0f, report.FaithfulnessScore);
        Assert.Equal("F", report.Grade);
        Assert.True(report.HallucinationDetected);
    }

    [Fact]
    public void Audit_OneGoodOneInventedClaim_ScoresHalfAndFlagsHallucination()
    {
        var report = _auditor.Audit("",
            "Amsterdam is the capital of the Netherlands. It was founded by Vikings in 812.", Context);

        Assert.Equal([ClaimVerdict.Supported, ClaimVerdict.Unsupported], report.Claims.Select(c => c.Verdict));
        Assert.Equal(0.5f, report.FaithfulnessScore);
        Assert.Equal("D", report.Grade);
        Assert.True(report.HallucinationDetected);
    }

    [Fact]
    public void Audit_EmptyContext_EveryClaimUnsupportedAndTraceSaysSo()
    {
        var report = _auditor.Audit("q", "Amsterdam is the capital. It has many canals.", []);

        Assert.Equal(2, report.Claims.Count);
        Assert.All(report.Claims, c => Assert.Equal(ClaimVerdict.Unsupported, c.Verdict));
        Assert.True(report.HallucinationDetected);
        Assert.Equal("F", report.Grade);
        Assert.Contains("No context was given", report.ReasoningTrace, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Audit_EmptyAnswer_NoClaimsScoreZeroGradeF(string answer)
    {
        var report = _auditor.Audit("q", answer, Context);

        Assert.Empty(report.Claims);
        Assert.Equal(0f, report.FaithfulnessScore);
        Assert.Equal("F", report.Grade);
        Assert.False(report.HallucinationDetected);
        Assert.Contains("nothing to audit", report.ReasoningTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_CancelledToken_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() =>
            _auditor.Audit("q", "Amsterdam is the capital of the Netherlands.", Context, cancellation.Token));
    }

    [Fact]
    public void Audit_Always_ReportsTimingForEveryStep()
    {
        var report = _auditor.Audit("q", "Amsterdam is the capital of the Netherlands.", Context);

        Assert.Equal(["claim_extraction", "evidence_retrieval", "verification", "scoring"], report.StepTimings.Keys);
        Assert.All(report.StepTimings.Values, ms => Assert.True(ms >= 0));
    }

    [Fact]
    public void Audit_Trace_AccountsForEveryClaimAndItsVerdict()
    {
        var report = _auditor.Audit("", "Amsterdam is the capital of the Netherlands. Rotterdam is the capital of Belgium.", Context);

        var lines = report.ReasoningTrace.Split('\n');
        Assert.StartsWith("Extracted 2 claim(s)", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("1. [Supported", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2. [", StringComparison.Ordinal) && !l.Contains("[Supported", StringComparison.Ordinal));
        Assert.Contains("Hallucination detected", report.ReasoningTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_LongEvidenceSentence_SnippetIsTrimmedTo300Characters()
    {
        var longSentence = "Amsterdam is the capital of the Netherlands and " +
                           string.Join(" and ", Enumerable.Range(1, 60).Select(i => $"district{i}")) + ".";
        var report = _auditor.Audit("", "Amsterdam is the capital of the Netherlands.", [new EvidenceDocument("long", longSentence)]);

        var snippet = Assert.Single(report.Claims).Evidence[0];
        Assert.True(snippet.Length <= 300, $"snippet has {snippet.Length} characters");
        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("...")]
    [InlineData("1. 2. 3.")]
    [InlineData("A.B.C. e.g. i.e.")]
    [InlineData("- \n* \n#")]
    [InlineData("It's 50% off!!! 🚀 Isn't it?")]
    [InlineData("No. No, no. NOT.")]
    public void Audit_OddInput_ProducesAConsistentReport(string answer)
    {
        var report = _auditor.Audit("", answer, Context);

        Assert.InRange(report.FaithfulnessScore, 0f, 1f);
        Assert.Equal(FaithfulnessScorer.GradeFor(report.FaithfulnessScore), report.Grade);
        Assert.False(string.IsNullOrWhiteSpace(report.ReasoningTrace));
    }

    [Fact]
    public void Audit_TwentySentencesAgainstTwentyKilobytes_IsFast()
    {
        var (answer, context) = BuildLargeAudit();
        _auditor.Audit("", answer, context); // JIT warm-up

        var timings = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var report = _auditor.Audit("", answer, context);
            timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(20, report.Claims.Count);
        }

        var median = timings.Order().ElementAt(timings.Count / 2);
        output.WriteLine($"context {context.Sum(d => d.Content.Length)} chars, median audit {median:0.0} ms");
        // The target is well under 50 ms; the bound leaves room for a busy CI machine running a Debug build.
        Assert.True(median < 150, $"median audit took {median:0.0} ms");
    }

    private static (string Answer, EvidenceDocument[] Context) BuildLargeAudit()
    {
        var documents = new List<EvidenceDocument>();
        var text = new StringBuilder();
        for (var doc = 0; doc < 20; doc++)
        {
            text.Clear();
            for (var s = 0; text.Length < 1000; s++)
            {
                text.Append($"Station {doc}-{s} in region Alpha{doc} recorded {100 + s * 7} millimetres of rain during season {s % 4}, ");
                text.Append($"and its sensor model X{s % 9} was calibrated in {1990 + s}. ");
            }

            documents.Add(new EvidenceDocument($"doc-{doc}", text.ToString()));
        }

        var answer = string.Join(" ", Enumerable.Range(0, 20).Select(i =>
            $"Station {i}-1 in region Alpha{i} recorded {107 + (i % 3)} millimetres of rain."));
        return (answer, documents.ToArray());
    }
}
