using System.Globalization;
using System.Text;
using TruthTable.Core.Engine;
using Xunit.Abstractions;

namespace TruthTable.Tests.Engine;

public sealed class LabeledSetEvaluationTests(ITestOutputHelper output)
{
    private const double F1Target = 0.90;

    private readonly FaithfulnessAuditor _auditor = new();

    public static TheoryData<LabeledAuditCase> Cases()
    {
        var data = new TheoryData<LabeledAuditCase>();
        foreach (var labeledCase in LabeledAuditCases.All)
        {
            data.Add(labeledCase);
        }

        return data;
    }

    [Fact]
    public void LabeledSet_HallucinationDetection_MeetsF1Target()
    {
        var outcomes = LabeledAuditCases.All
            .Select(c => new Outcome(c, _auditor.Audit("", c.Answer, c.Context)))
            .ToList();

        var overall = Confusion.Of(outcomes);
        var summary = Summarize(outcomes, overall);
        output.WriteLine(summary);
        Console.Out.WriteLine(summary);

        Assert.True(LabeledAuditCases.All.Count >= 60, $"the labelled set needs at least 60 cases, has {LabeledAuditCases.All.Count}");
        Assert.True(overall.F1 >= F1Target, $"F1 {overall.F1:0.000} is below the target {F1Target:0.00}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Audit_LabeledCase_ReportIsInternallyConsistent(LabeledAuditCase labeledCase)
    {
        var report = _auditor.Audit("", labeledCase.Answer, labeledCase.Context);

        Assert.NotEmpty(report.Claims);
        Assert.InRange(report.FaithfulnessScore, 0f, 1f);
        Assert.Equal(FaithfulnessScorer.GradeFor(report.FaithfulnessScore), report.Grade);
        Assert.Equal(
            report.Claims.Any(c => c.Verdict is ClaimVerdict.Unsupported or ClaimVerdict.Contradicted),
            report.HallucinationDetected);
        Assert.All(report.Claims, c => Assert.InRange(c.Evidence.Count, 0, 3));
        Assert.All(report.Claims.SelectMany(c => c.Evidence), e => Assert.True(e.Length <= 300));
    }

    private static string Summarize(List<Outcome> outcomes, Confusion overall)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Hallucination detection on {outcomes.Count} labelled cases (positive = hallucinated)");
        text.AppendLine("category                   cases  accuracy  precision  recall     F1");
        foreach (var group in outcomes.GroupBy(o => o.Case.Category))
        {
            AppendRow(text, group.Key, Confusion.Of(group));
        }

        var heldOut = LabeledAuditCases.HeldOut.ToHashSet();
        AppendRow(text, "batch: development", Confusion.Of(outcomes.Where(o => !heldOut.Contains(o.Case))));
        AppendRow(text, "batch: held-out", Confusion.Of(outcomes.Where(o => heldOut.Contains(o.Case))));
        AppendRow(text, "ALL", overall);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"TP {overall.TruePositives}  FP {overall.FalsePositives}  TN {overall.TrueNegatives}  FN {overall.FalseNegatives}");

        var misclassified = outcomes.Where(o => !o.IsCorrect).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"Misclassified: {misclassified.Count}");
        foreach (var outcome in misclassified)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- {outcome.Case.Name} [{outcome.Case.Category}] expected hallucinated={outcome.Case.Hallucinated}, got {outcome.Report.HallucinationDetected}");
            foreach (var claim in outcome.Report.Claims)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {claim.Verdict}: \"{claim.Claim}\" — {claim.Reasoning}");
            }
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string name, Confusion c) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{name,-26} {c.Total,5}  {c.Accuracy,8:0.000}  {Format(c.Precision),9}  {Format(c.Recall),6}  {Format(c.F1),5}");

    // Precision and recall are undefined for a category without positives (the faithful ones).
    private static string Format(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private sealed record Outcome(LabeledAuditCase Case, FaithfulnessReport Report)
    {
        public bool IsCorrect => Case.Hallucinated == Report.HallucinationDetected;
    }

    private sealed record Confusion(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
    {
        public int Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

        public double Accuracy => (double)(TruePositives + TrueNegatives) / Total;

        public double Precision => TruePositives + FalsePositives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalsePositives);

        public double Recall => TruePositives + FalseNegatives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalseNegatives);

        public double F1 => double.IsNaN(Precision) || double.IsNaN(Recall) || Precision + Recall == 0
            ? double.NaN
            : 2 * Precision * Recall / (Precision + Recall);

        public static Confusion Of(IEnumerable<Outcome> outcomes)
        {
            int tp = 0, fp = 0, tn = 0, fn = 0;
            foreach (var o in outcomes)
            {
                switch (o.Case.Hallucinated, o.Report.HallucinationDetected)
                {
                    case (true, true): tp++; break;
                    case (false, true): fp++; break;
                    case (false, false): tn++; break;
                    case (true, false): fn++; break;
                }
            }

            return new Confusion(tp, fp, tn, fn);
        }
    }
}
