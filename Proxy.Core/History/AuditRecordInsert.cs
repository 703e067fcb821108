using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TruthTable.Core.History;

/// <summary>
/// The history's insert as one prepared statement on the writer's connection, bound by position from a reused UTF-8
/// buffer (JSON columns serialized straight into it). Through <see cref="SqliteCommand"/> each row paid for the
/// statement lookup, every parameter bound by name and a UTF-8 copy of every string, and the writer's batches ran
/// as CPU bursts of several ms on the cores the proxy uses (docs/PERFORMANCE.md). Not thread-safe: the writer's alone.
/// </summary>
internal sealed class AuditRecordInsert : IDisposable
{
    // Text longer than this is bound through SQLitePCL's own UTF-8 copy, so the reused buffer stays small.
    private const int MaxBufferedTextBytes = 256 * 1024;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly ArrayBufferWriter<byte> _utf8 = new(16 * 1024);
    private readonly Utf8JsonWriter _json;

    public AuditRecordInsert(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The history connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, AuditRecordSql.Insert, out _statement));
        if (raw.sqlite3_bind_parameter_count(_statement) != AuditRecordSql.Columns.Length)
        {
            throw new InvalidOperationException("The insert's parameters do not match AuditRecordSql.Columns.");
        }

        _json = new Utf8JsonWriter(_utf8);
    }

    /// <summary>Inserts one row in the connection's current transaction; throws <see cref="SqliteException"/> on failure.</summary>
    public void Execute(AuditRecord r)
    {
        try
        {
            var i = 1; // positions follow AuditRecordSql.Columns
            Text(i++, r.RequestId);
            Text(i++, r.Outcome);
            Text(i++, r.Reason);
            Text(i++, r.Error);
            Text(i++, r.Model);
            Text(i++, r.Route);
            Integer(i++, r.UpstreamStatus);
            Integer(i++, r.ResponseSize);
            Integer(i++, r.QueuedMs);
            Integer(i++, r.StartedAt);
            Integer(i++, r.FinishedAt);
            Integer(i++, r.AuditMs);
            Integer(i++, r.EngineMs);
            Text(i++, r.AuditId);
            Real(i++, r.TrustScore);
            Real(i++, r.HallucinationRate);
            Text(i++, r.Grade);
            Text(i++, r.Verdict);
            Integer(i++, r.HallucinationDetected is { } detected ? (detected ? 1 : 0) : null);
            Integer(i++, r.TotalClaims);
            Integer(i++, r.SupportedClaims);
            Integer(i++, r.UnsupportedClaims);
            Integer(i++, r.ContradictedClaims);
            Json(i++, r.Claims, HistoryJson.Default.IReadOnlyListStoredClaim);
            Json(i++, r.StepTimings, HistoryJson.Default.IReadOnlyDictionaryStringInt64);
            Text(i++, r.ReasoningTrace);
            Integer(i++, r.TextStored ? 1 : 0);
            Text(i++, r.Question);
            Text(i++, r.Answer);
            Json(i, r.Context, HistoryJson.Default.IReadOnlyListContextSnippet);

            var step = raw.sqlite3_step(_statement);
            if (step != raw.SQLITE_DONE)
            {
                throw Failure(step);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
            raw.sqlite3_clear_bindings(_statement);
        }
    }

    private void Text(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > MaxBufferedTextBytes)
        {
            Check(raw.sqlite3_bind_text(_statement, index, value));
            return;
        }

        _utf8.ResetWrittenCount();
        var buffer = _utf8.GetSpan(max);
        var written = Encoding.UTF8.GetBytes(value, buffer);
        // SQLitePCL binds spans as SQLITE_TRANSIENT: SQLite copies them, so the buffer is free again at once.
        Check(raw.sqlite3_bind_text(_statement, index, buffer[..written]));
    }

    private void Json<T>(int index, T? value, JsonTypeInfo<T> type) where T : class
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        _utf8.ResetWrittenCount();
        _json.Reset(_utf8);
        JsonSerializer.Serialize(_json, value, type);
        _json.Flush();
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.WrittenSpan));
    }

    private void Integer(int index, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    private void Real(int index, double? value) =>
        Check(value is { } v ? raw.sqlite3_bind_double(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw Failure(result);
        }
    }

    private SqliteException Failure(int result) =>
        new($"SQLite Error {result}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", result, raw.sqlite3_extended_errcode(_db));

    public void Dispose()
    {
        _statement.Dispose();
        _json.Dispose();
    }
}
