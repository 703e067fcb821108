namespace TruthTable.Core.Engine;

/// <param name="Score">Rarity-weighted overlap, used only to rank sentences.</param>
/// <param name="Coverage">Share of the claim's content terms the sentence mentions, 0..1.</param>
/// <param name="CoveredTerms">The claim terms this sentence mentions.</param>
internal sealed record EvidenceMatch(EvidenceSentence Sentence, double Score, double Coverage, List<Term> CoveredTerms);
