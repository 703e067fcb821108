using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using TruthTable.Contracts;

namespace TruthTable.Core.History;

/// <summary>Queries over the stored outcomes: pages with filters and text search, one request's outcome, window stats.</summary>
public sealed partial class AuditHistoryReader(HistoryDatabase database, TimeProvider timeProvider, ILogger<AuditHistoryReader> logger)
    : IAuditOutcomeLookup
{
    private const string SummaryColumns =
        "id, request_id, outcome, reason, model, route, upstream_status, finished_at, trust_score, grade, verdict, " +
        "hallucination_detected, supported_claims, total_claims, queued_ms, audit_ms";

    public async Task<AuditPage> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenConnection();
        await using var command = connection.CreateCommand();
        var where = new StringBuilder("WHERE 1 = 1");
        if (query.Before is { } before)
        {
            where.Append(" AND id < $before");
            command.Parameters.AddWithValue("$before", before.Position);
        }

        if (query.Grade is { } grade)
        {
            where.Append(" AND grade = $grade");
            command.Parameters.AddWithValue("$grade", grade);
        }

        if (query.Hallucinated is { } hallucinated)
        {
            where.Append(" AND hallucination_detected = $hallucinated");
            command.Parameters.AddWithValue("$hallucinated", hallucinated);
        }

        if (query.Model is { } model)
        {
            where.Append(" AND model = $model");
            command.Parameters.AddWithValue("$model", model);
        }

        if (query.Text is { } text)
        {
            AppendTextFilter(where, command, text);
        }

        command.CommandText = $"SELECT {SummaryColumns} FROM audits {where} ORDER BY id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", query.Limit + 1); // one more tells whether there is a next page

        var rows = new List<(long Id, AuditSummary Summary)>(Math.Min(query.Limit + 1, 64));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt64(0), ReadSummary(reader)));
        }

        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new AuditPage(rows.Select(r => r.Summary).ToArray(), hasMore ? new AuditCursor(rows[^1].Id).ToString() : null);
    }

    /// <summary>The latest stored outcome of a request id (ids can be reused by callers), or null.</summary>
    public async Task<AuditRecord?> FindLatestAsync(string requestId, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditRecordSql.SelectList} FROM audits WHERE request_id = $requestId ORDER BY id DESC LIMIT 1;";
        command.Parameters.AddWithValue("$requestId", requestId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? AuditRecordSql.Read(reader) : null;
    }

    async Task<AuditState?> IAuditOutcomeLookup.FindAsync(string requestId, CancellationToken cancellationToken)
    {
        try
        {
            return await FindLatestAsync(requestId, cancellationToken) is { } record ? AuditRecordMapper.ToState(record) : null;
        }
        catch (SqliteException e)
        {
            // The subscriber still gets live events; it only misses the stored past.
            Log.LookupFailed(logger, e, requestId);
            return null;
        }
    }

    public async Task<AuditStatsReport> StatsAsync(string windowText, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var from = (now - window).ToUnixTimeMilliseconds();
        await using var connection = database.OpenConnection();
        await using var totals = connection.CreateCommand();
        totals.CommandText = """
            SELECT count(*),
                   coalesce(sum(outcome = 'complete'), 0),
                   coalesce(sum(outcome = 'failed'), 0),
                   coalesce(sum(outcome = 'skipped'), 0),
                   coalesce(sum(hallucination_detected = 1), 0),
                   avg(trust_score),
                   count(CASE WHEN outcome = 'complete' THEN coalesce(audit_ms, engine_ms) END)
            FROM audits WHERE finished_at >= $from;
            """;
        totals.Parameters.AddWithValue("$from", from);
        long total, complete, failed, skipped, hallucinated, timed;
        double? averageScore;
        await using (var reader = await totals.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (total, complete, failed, skipped, hallucinated) =
                (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            averageScore = AuditRecordSql.Double(reader, 5) is { } avg ? Math.Round(avg, 4) : null;
            timed = reader.GetInt64(6);
        }

        return new AuditStatsReport(
            windowText, from, now.ToUnixTimeMilliseconds(), total, complete, failed, skipped, hallucinated,
            complete == 0 ? 0 : Math.Round((double)hallucinated / complete, 4),
            averageScore,
            await AuditTimePercentileAsync(connection, from, timed, 0.50, cancellationToken),
            await AuditTimePercentileAsync(connection, from, timed, 0.95, cancellationToken));
    }

    /// <summary>Nearest-rank percentile: the smallest time with at least <paramref name="p"/> of the times at or below it.</summary>
    private static async Task<long?> AuditTimePercentileAsync(
        SqliteConnection connection, long from, long count, double p, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return null;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT coalesce(audit_ms, engine_ms) FROM audits
            WHERE finished_at >= $from AND outcome = 'complete' AND coalesce(audit_ms, engine_ms) IS NOT NULL
            ORDER BY 1 LIMIT 1 OFFSET $offset;
            """;
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$offset", (long)Math.Ceiling(p * count) - 1);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private void AppendTextFilter(StringBuilder where, SqliteCommand command, string text)
    {
        if (database.HasFullTextSearch)
        {
            where.Append(" AND id IN (SELECT rowid FROM audits_fts WHERE audits_fts MATCH $text)");
            command.Parameters.AddWithValue("$text", ToFullTextQuery(text));
            return;
        }

        // Without FTS5: every word must occur somewhere in the question or the answer.
        var words = TextSearch.Words(text);
        for (var i = 0; i < words.Count; i++)
        {
            where.Append(CultureInfo.InvariantCulture, $" AND (question LIKE $w{i} ESCAPE '\\' OR answer LIKE $w{i} ESCAPE '\\')");
            command.Parameters.AddWithValue($"$w{i}", "%" + EscapeLike(words[i]) + "%");
        }
    }

    /// <summary>Each word a quoted prefix term, all required: user text never reaches FTS5's query syntax.</summary>
    internal static string ToFullTextQuery(string text) =>
        string.Join(' ', TextSearch.Words(text).Select(w => "\"" + w.Replace("\"", "\"\"") + "\"*"));

    private static string EscapeLike(string word) =>
        word.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static AuditSummary ReadSummary(SqliteDataReader r)
    {
        var queuedMs = AuditRecordSql.Int64(r, 14);
        var auditMs = AuditRecordSql.Int64(r, 15);
        return new AuditSummary(
            RequestId: r.GetString(1),
            Outcome: r.GetString(2),
            Reason: AuditRecordSql.String(r, 3),
            Model: r.GetString(4),
            Route: r.GetString(5),
            UpstreamStatus: AuditRecordSql.Int32(r, 6),
            Timestamp: r.GetInt64(7),
            TrustScore: AuditRecordSql.Double(r, 8),
            Grade: AuditRecordSql.String(r, 9),
            Verdict: AuditRecordSql.String(r, 10),
            HallucinationDetected: AuditRecordSql.Boolean(r, 11),
            SupportedClaims: AuditRecordSql.Int32(r, 12),
            TotalClaims: AuditRecordSql.Int32(r, 13),
            QueuedMs: queuedMs,
            AuditMs: auditMs,
            LatencyMs: queuedMs + auditMs);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Looking up the stored outcome of {RequestId} failed")]
        public static partial void LookupFailed(ILogger logger, Exception exception, string requestId);
    }
}

/// <summary>How a search text is split into words, the same for FTS5 and LIKE and for validating the parameter.</summary>
public static class TextSearch
{
    public const int MaxLength = 200;

    /// <summary>Runs of letters and digits; everything else separates words (as FTS5's unicode61 tokenizer does).</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(text[start..i]);
                start = -1;
            }
        }

        return words;
    }
}
