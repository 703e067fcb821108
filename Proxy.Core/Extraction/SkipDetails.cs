namespace TruthTable.Core.Extraction;

/// <summary>Keeps skip details short: they are stored and shown, and must not carry large chunks of a body.</summary>
internal static class SkipDetails
{
    public const int MaxLength = 120;

    public static string Shorten(string detail) =>
        detail.Length <= MaxLength ? detail : string.Concat(detail.AsSpan(0, MaxLength - 1), "…");
}
