namespace TruthTable.Core.Engine;

internal enum ContradictionKind
{
    Number,
    Entity,
    Negation,
    OppositeWord,
}

/// <summary>A detail of a claim that the matching evidence states differently.</summary>
/// <param name="RestCoverage">Share of the claim's other terms the evidence mentions: how sure we are it is the same fact.</param>
internal sealed record Contradiction(
    ContradictionKind Kind,
    string ClaimSays,
    string EvidenceSays,
    EvidenceSentence Evidence,
    double RestCoverage)
{
    public string Describe() => Kind switch
    {
        ContradictionKind.Number => $"the claim says {ClaimSays} where the evidence says {EvidenceSays}",
        ContradictionKind.Entity => $"the claim names {ClaimSays} where the evidence names {EvidenceSays}",
        ContradictionKind.Negation => $"the claim {ClaimSays} what the evidence {EvidenceSays}",
        _ => $"the claim says \"{ClaimSays}\" where the evidence says \"{EvidenceSays}\"",
    };
}
