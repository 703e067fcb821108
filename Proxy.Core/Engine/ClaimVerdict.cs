namespace TruthTable.Core.Engine;

/// <summary>How well the context backs one claim of an answer.</summary>
public enum ClaimVerdict
{
    Supported,
    PartiallySupported,
    Unsupported,
    Contradicted,
}
