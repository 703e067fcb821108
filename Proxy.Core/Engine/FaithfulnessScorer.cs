namespace TruthTable.Core.Engine;

/// <summary>
/// The faithfulness score is the plain mean of per-claim credit: Supported 1, PartiallySupported 0.5,
/// Unsupported and Contradicted 0. Confidence is deliberately not a weight: a confidently wrong claim should cost
/// as much as any other wrong claim, and an unweighted mean is easy to explain to the reader of a report.
/// </summary>
internal static class FaithfulnessScorer
{
    public static float CreditFor(ClaimVerdict verdict) => verdict switch
    {
        ClaimVerdict.Supported => 1f,
        ClaimVerdict.PartiallySupported => 0.5f,
        _ => 0f,
    };

    public static float Score(IReadOnlyList<ClaimAssessment> claims)
    {
        if (claims.Count == 0)
        {
            return 0f;
        }

        var total = 0f;
        foreach (var claim in claims)
        {
            total += CreditFor(claim.Verdict);
        }

        return total / claims.Count;
    }

    public static string GradeFor(float score) => score switch
    {
        >= 0.90f => "A",
        >= 0.75f => "B",
        >= 0.60f => "C",
        >= 0.40f => "D",
        _ => "F",
    };

    public static bool IsHallucination(ClaimVerdict verdict) =>
        verdict is ClaimVerdict.Unsupported or ClaimVerdict.Contradicted;
}
