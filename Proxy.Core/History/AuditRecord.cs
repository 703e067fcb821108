using System.Text.Json.Serialization;
using TruthTable.Core.Extraction;

namespace TruthTable.Core.History;

/// <summary>
/// One stored audit outcome: a completed audit, a failure or a skip, with what the pipeline knew of the exchange.
/// Times are Unix milliseconds. Text fields are null when <see cref="HistoryOptions.StoreText"/> was off.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>The store's own key, in the order outcomes were recorded; clients page with opaque cursors instead.</summary>
    [JsonIgnore]
    public long Id { get; init; }

    public required string RequestId { get; init; }

    /// <summary><see cref="AuditOutcomes.Complete"/>, <see cref="AuditOutcomes.Failed"/> or <see cref="AuditOutcomes.Skipped"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The failure or skip code (queue_full, timeout, too_large, upstream_status, ...).</summary>
    public string? Reason { get; init; }

    public string? Error { get; init; }

    public required string Model { get; init; }

    /// <summary>The proxied path, or /api/audits for a direct audit.</summary>
    public required string Route { get; init; }

    public int? UpstreamStatus { get; init; }

    public long? ResponseSize { get; init; }

    /// <summary>How long the job waited in the audit queue (known once the audit started).</summary>
    public long? QueuedMs { get; init; }

    public long? StartedAt { get; init; }

    /// <summary>When the outcome was decided.</summary>
    public required long FinishedAt { get; init; }

    /// <summary>From AuditStarted to the outcome, as the proxy saw it (gRPC and engine).</summary>
    public long? AuditMs { get; init; }

    /// <summary>The engine's own processing time.</summary>
    public long? EngineMs { get; init; }

    /// <summary>From enqueue to outcome: <see cref="QueuedMs"/> + <see cref="AuditMs"/>.</summary>
    public long? LatencyMs => QueuedMs + AuditMs;

    public string? AuditId { get; init; }
    public double? TrustScore { get; init; }
    public double? HallucinationRate { get; init; }
    public string? Grade { get; init; }
    public string? Verdict { get; init; }
    public bool? HallucinationDetected { get; init; }
    public int? TotalClaims { get; init; }
    public int? SupportedClaims { get; init; }
    public int? UnsupportedClaims { get; init; }
    public int? ContradictedClaims { get; init; }
    public IReadOnlyList<StoredClaim>? Claims { get; init; }
    public IReadOnlyDictionary<string, long>? StepTimings { get; init; }

    /// <summary>Quotes the claims, so it is stored only with the text.</summary>
    public string? ReasoningTrace { get; init; }

    /// <summary>Whether question, answer, context and claim texts were stored for this outcome.</summary>
    public bool TextStored { get; init; }

    public string? Question { get; init; }
    public string? Answer { get; init; }
    public IReadOnlyList<ContextSnippet>? Context { get; init; }
}

/// <summary>One claim's verification as stored; the texts are null when text was not stored.</summary>
public sealed record StoredClaim(
    string? Claim, string Status, bool Supported, double Confidence, int EvidenceCount, IReadOnlyList<string>? Evidence,
    string? Reasoning);

/// <summary>The outcome kinds of a stored audit.</summary>
public static class AuditOutcomes
{
    public const string Complete = "complete";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
}
