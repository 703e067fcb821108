namespace TruthTable.Core.Engine;

/// <summary>A context document the answer is supposed to be grounded in.</summary>
public sealed record EvidenceDocument(string Id, string Content);
