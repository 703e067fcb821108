namespace TruthTable.Core.Engine;

/// <summary>One sentence of a context document, analysed once and matched against every claim.</summary>
internal sealed record EvidenceSentence(string DocumentId, string Text, AnalyzedText Analysis);
