using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace TruthTable.Core.History;

/// <summary>The one mapping between <see cref="AuditRecord"/> and the audits table, for inserts and reads.</summary>
internal static class AuditRecordSql
{
    public static readonly string[] Columns =
    [
        "request_id", "outcome", "reason", "error", "model", "route", "upstream_status", "response_size", "queued_ms",
        "started_at", "finished_at", "audit_ms", "engine_ms", "audit_id", "trust_score", "hallucination_rate", "grade",
        "verdict", "hallucination_detected", "total_claims", "supported_claims", "unsupported_claims",
        "contradicted_claims", "claims", "step_timings", "reasoning_trace", "text_stored", "question", "answer", "context",
    ];

    /// <summary>id followed by <see cref="Columns"/>, in that order, as <see cref="Read"/> expects.</summary>
    public static readonly string SelectList = "id, " + string.Join(", ", Columns);

    public static readonly string Insert =
        $"INSERT INTO audits ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => "$" + c))});";

    /// <summary>Reads a row selected with <see cref="SelectList"/>.</summary>
    public static AuditRecord Read(SqliteDataReader row)
    {
        var i = 0;
        return new AuditRecord
        {
            Id = row.GetInt64(i++),
            RequestId = row.GetString(i++),
            Outcome = row.GetString(i++),
            Reason = String(row, i++),
            Error = String(row, i++),
            Model = row.GetString(i++),
            Route = row.GetString(i++),
            UpstreamStatus = Int32(row, i++),
            ResponseSize = Int64(row, i++),
            QueuedMs = Int64(row, i++),
            StartedAt = Int64(row, i++),
            FinishedAt = row.GetInt64(i++),
            AuditMs = Int64(row, i++),
            EngineMs = Int64(row, i++),
            AuditId = String(row, i++),
            TrustScore = Double(row, i++),
            HallucinationRate = Double(row, i++),
            Grade = String(row, i++),
            Verdict = String(row, i++),
            HallucinationDetected = Boolean(row, i++),
            TotalClaims = Int32(row, i++),
            SupportedClaims = Int32(row, i++),
            UnsupportedClaims = Int32(row, i++),
            ContradictedClaims = Int32(row, i++),
            Claims = Json(row, i++, HistoryJson.Default.IReadOnlyListStoredClaim),
            StepTimings = Json(row, i++, HistoryJson.Default.IReadOnlyDictionaryStringInt64),
            ReasoningTrace = String(row, i++),
            TextStored = row.GetBoolean(i++),
            Question = String(row, i++),
            Answer = String(row, i++),
            Context = Json(row, i, HistoryJson.Default.IReadOnlyListContextSnippet),
        };
    }

    internal static string? String(SqliteDataReader row, int i) => row.IsDBNull(i) ? null : row.GetString(i);

    internal static int? Int32(SqliteDataReader row, int i) => row.IsDBNull(i) ? null : row.GetInt32(i);

    internal static long? Int64(SqliteDataReader row, int i) => row.IsDBNull(i) ? null : row.GetInt64(i);

    internal static double? Double(SqliteDataReader row, int i) => row.IsDBNull(i) ? null : row.GetDouble(i);

    internal static bool? Boolean(SqliteDataReader row, int i) => row.IsDBNull(i) ? null : row.GetBoolean(i);

    private static T? Json<T>(SqliteDataReader row, int i, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class =>
        row.IsDBNull(i) ? null : JsonSerializer.Deserialize(row.GetString(i), type);
}
