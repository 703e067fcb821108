using System.Globalization;
using System.Text;

namespace TruthTable.Core.Engine;

/// <summary>Writes the human-readable account of an audit that ends up in <see cref="FaithfulnessReport.ReasoningTrace"/>.</summary>
internal static class ReasoningTraceWriter
{
    // One builder per thread, reused while a trace fits: the embedded engine shares the proxy's heap.
    private const int MaxKeptCapacity = 16 * 1024;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    public static string NothingToAudit() =>
        "The answer is empty or states nothing checkable: there was nothing to audit. Score 0.00, grade F.";

    public static string Write(
        IReadOnlyList<ClaimAssessment> claims,
        int documentCount,
        int sentenceCount,
        float score,
        string grade,
        bool hallucinationDetected)
    {
        var trace = t_builder ?? new StringBuilder(1024);
        t_builder = null;
        trace.Clear();
        trace.Append(CultureInfo.InvariantCulture, $"Extracted {claims.Count} claim(s) from the answer. ");
        if (documentCount == 0)
        {
            trace.AppendLine("No context was given, so no claim can be supported: every claim is unsupported.");
        }
        else
        {
            trace.AppendLine(CultureInfo.InvariantCulture,
                $"Checked them against {documentCount} context document(s) ({sentenceCount} sentence(s)).");
        }

        for (var i = 0; i < claims.Count; i++)
        {
            var claim = claims[i];
            trace.AppendLine(CultureInfo.InvariantCulture,
                $"{i + 1}. [{claim.Verdict}, confidence {claim.Confidence:0.00}] \"{claim.Claim}\" — {claim.Reasoning}");
        }

        trace.Append(CultureInfo.InvariantCulture,
            $"Score {score:0.00} (grade {grade}) = mean credit per claim (supported 1, partially supported 0.5, otherwise 0): ");
        trace.Append(CultureInfo.InvariantCulture,
            $"{Count(claims, ClaimVerdict.Supported)} supported, {Count(claims, ClaimVerdict.PartiallySupported)} partially supported, ");
        trace.AppendLine(CultureInfo.InvariantCulture,
            $"{Count(claims, ClaimVerdict.Unsupported)} unsupported, {Count(claims, ClaimVerdict.Contradicted)} contradicted.");
        trace.Append(hallucinationDetected
            ? "Hallucination detected: at least one claim is unsupported or contradicted by the context."
            : "No hallucination detected.");
        var text = trace.ToString();
        if (trace.Capacity <= MaxKeptCapacity)
        {
            t_builder = trace;
        }

        return text;
    }

    private static int Count(IReadOnlyList<ClaimAssessment> claims, ClaimVerdict verdict)
    {
        var count = 0;
        for (var i = 0; i < claims.Count; i++)
        {
            count += claims[i].Verdict == verdict ? 1 : 0;
        }

        return count;
    }
}
