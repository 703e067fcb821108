using TruthTable.Audit.V1;

namespace TruthTable.Core.Auditing;

/// <summary>Rejects results no client should be shown (a score out of range would render as a lie).</summary>
public static class AuditResultValidator
{
    /// <summary>A description of what is wrong, or null when the result is usable.</summary>
    public static string? Validate(AuditResult result)
    {
        if (float.IsNaN(result.FaithfulnessScore) || result.FaithfulnessScore is < 0f or > 1f)
        {
            return $"faithfulness_score {result.FaithfulnessScore} is outside 0..1.";
        }

        foreach (var claim in result.Claims)
        {
            if (float.IsNaN(claim.Confidence) || claim.Confidence is < 0f or > 1f)
            {
                return $"claim confidence {claim.Confidence} is outside 0..1.";
            }
        }

        return null;
    }
}
