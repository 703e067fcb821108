using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

/// <summary>
/// The embedded engine audits on two threads at once with one <see cref="FaithfulnessAuditor"/>; its per-thread
/// word tables and scratch lists (and the claim splitter's shared extractor) must not mix two audits.
/// </summary>
public sealed class EngineConcurrencyTests
{
    [Fact]
    public void Audit_FromFourThreadsAtOnce_GivesTheReportsOfOneThread()
    {
        var auditor = new FaithfulnessAuditor();
        var cases = LabeledAuditCases.All;
        var expected = cases.Select(c => Describe(auditor.Audit("", c.Answer, c.Context))).ToList();
        var mismatches = new List<string>();
        using var start = new Barrier(4);

        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 5; round++)
            {
                // Each thread walks the set from a different place, so different texts overlap in time.
                for (var k = 0; k < cases.Count; k++)
                {
                    var i = (k + t * cases.Count / 4) % cases.Count;
                    string actual;
                    try
                    {
                        actual = Describe(auditor.Audit("", cases[i].Answer, cases[i].Context));
                    }
                    catch (Exception e)
                    {
                        // A raw thread's exception would take the test host down instead of failing the test.
                        actual = e.GetType().Name;
                    }

                    if (actual != expected[i])
                    {
                        lock (mismatches)
                        {
                            mismatches.Add($"{cases[i].Name}: {actual}");
                        }
                    }
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(mismatches);
    }

    private static string Describe(FaithfulnessReport report) =>
        $"{report.FaithfulnessScore:R} {report.Grade} {report.ReasoningTrace} " +
        string.Join(" | ", report.Claims.Select(c => $"{c.Verdict} {c.Confidence:R} {string.Join(" / ", c.Evidence)}"));
}
