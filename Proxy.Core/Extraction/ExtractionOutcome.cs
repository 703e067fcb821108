namespace TruthTable.Core.Extraction;

/// <summary>Stable, machine-readable reasons for not auditing an exchange (they end up in metrics and the UI).</summary>
public static class SkipReasons
{
    public const string TooLarge = "too_large";
    public const string Truncated = "truncated";
    public const string UpstreamStatus = "upstream_status";
    public const string Unparseable = "unparseable";
    public const string EmptyAnswer = "empty_answer";
}

/// <summary>Either an exchange to audit, or a skip reason with a short detail that never echoes headers or large body text.</summary>
public sealed record ExtractionOutcome(AuditableExchange? Exchange, string? SkipReason, string? SkipDetail)
{
    public static ExtractionOutcome Audit(AuditableExchange e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e, null, null);
    }

    public static ExtractionOutcome Skip(string reason, string detail) => new(null, reason, SkipDetails.Shorten(detail));

    public bool IsAuditable => Exchange is not null;
}
