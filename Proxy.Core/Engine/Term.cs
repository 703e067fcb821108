namespace TruthTable.Core.Engine;

internal enum TermKind
{
    Word,
    Number,
    /// <summary>A proper noun, month, acronym or identifier: the kind of detail a hallucination swaps.</summary>
    Entity,
}

/// <param name="Key">The normalised form used for matching (a stem, or a canonical number).</param>
/// <param name="Surface">The word as written, for explanations.</param>
internal readonly record struct Term(string Key, string Surface, TermKind Kind)
{
    public bool IsSpecific => Kind is TermKind.Number or TermKind.Entity;
}
