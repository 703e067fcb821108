using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

/// <summary>One hand-labelled audit: does the answer contain a hallucination with respect to its context?</summary>
public sealed record LabeledAuditCase(
    string Name,
    string Category,
    IReadOnlyList<EvidenceDocument> Context,
    string Answer,
    bool Hallucinated)
{
    public override string ToString() => Name;
}
