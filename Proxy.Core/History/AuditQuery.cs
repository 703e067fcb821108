using System.Buffers.Binary;
using System.Buffers.Text;

namespace TruthTable.Core.History;

/// <summary>A page request over the history, newest first. Every filter that is set must match.</summary>
public sealed record AuditQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Only rows recorded before this cursor's row (the previous page's <see cref="AuditPage.NextCursor"/>).</summary>
    public AuditCursor? Before { get; init; }

    /// <summary>"A" to "F"; only completed audits have a grade.</summary>
    public string? Grade { get; init; }

    /// <summary>Completed audits with (true) or without (false) a hallucination.</summary>
    public bool? Hallucinated { get; init; }

    /// <summary>The model name, exactly.</summary>
    public string? Model { get; init; }

    /// <summary>Words that must all occur (as prefixes) in the question or the answer.</summary>
    public string? Text { get; init; }
}

/// <summary>One page of history; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditSummary> Items, string? NextCursor);

/// <summary>What a history list (a dashboard row) shows of one outcome. Times are Unix milliseconds.</summary>
public sealed record AuditSummary(
    string RequestId,
    string Outcome,
    string? Reason,
    string Model,
    string Route,
    int? UpstreamStatus,
    long Timestamp,
    double? TrustScore,
    string? Grade,
    string? Verdict,
    bool? HallucinationDetected,
    int? SupportedClaims,
    int? TotalClaims,
    long? QueuedMs,
    long? AuditMs,
    long? LatencyMs);

/// <summary>
/// An opaque keyset cursor: the position of a row in recording order. Rows recorded later get later positions,
/// so paging with it neither skips nor repeats rows while new outcomes arrive.
/// </summary>
public readonly record struct AuditCursor(long Position)
{
    private const byte Version = 1;

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[9];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], Position);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryParse(string? text, out AuditCursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[9];
        if (string.IsNullOrEmpty(text) || text.Length != 12
            || !Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != 9 || bytes[0] != Version)
        {
            return false;
        }

        var position = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (position <= 0)
        {
            return false;
        }

        cursor = new AuditCursor(position);
        return true;
    }
}
