using Microsoft.Data.Sqlite;

namespace TruthTable.Core.History;

/// <summary>
/// The schema as ordered migrations. <c>PRAGMA user_version</c> holds the number of migrations applied; each one
/// runs in its own transaction together with the version bump, so a crash mid-migration leaves the old version.
/// Never edit a shipped migration: add the next one.
/// </summary>
internal static class HistorySchema
{
    public static int LatestVersion => Migrations.Length;

    private static readonly Action<SqliteConnection, SqliteTransaction>[] Migrations = [CreateAudits, CreateFullTextIndex];

    /// <summary>Applies the migrations after <paramref name="from"/>, up to <paramref name="to"/> (tests stop early).</summary>
    public static void Migrate(SqliteConnection connection, int from, int? to = null)
    {
        for (var version = from; version < (to ?? LatestVersion); version++)
        {
            using var transaction = connection.BeginTransaction();
            Migrations[version](connection, transaction);
            Execute(connection, transaction, $"PRAGMA user_version = {version + 1};");
            transaction.Commit();
        }
    }

    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar());
    }

    public static bool HasFullTextIndex(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audits_fts';";
        return Convert.ToInt64(command.ExecuteScalar()) > 0;
    }

    // Version 1: one row per outcome. id is AUTOINCREMENT so ids are never reused after deletes: cursors stay valid.
    private static void CreateAudits(SqliteConnection connection, SqliteTransaction transaction) => Execute(connection, transaction, """
        CREATE TABLE audits (
            id                     INTEGER PRIMARY KEY AUTOINCREMENT,
            request_id             TEXT    NOT NULL,
            outcome                TEXT    NOT NULL CHECK (outcome IN ('complete', 'failed', 'skipped')),
            reason                 TEXT,
            error                  TEXT,
            model                  TEXT    NOT NULL,
            route                  TEXT    NOT NULL,
            upstream_status        INTEGER,
            response_size          INTEGER,
            queued_ms              INTEGER,
            started_at             INTEGER,
            finished_at            INTEGER NOT NULL,
            audit_ms               INTEGER,
            engine_ms              INTEGER,
            audit_id               TEXT,
            trust_score            REAL,
            hallucination_rate     REAL,
            grade                  TEXT,
            verdict                TEXT,
            hallucination_detected INTEGER,
            total_claims           INTEGER,
            supported_claims       INTEGER,
            unsupported_claims     INTEGER,
            contradicted_claims    INTEGER,
            claims                 TEXT,
            step_timings           TEXT,
            reasoning_trace        TEXT,
            text_stored            INTEGER NOT NULL,
            question               TEXT,
            answer                 TEXT,
            context                TEXT
        );
        CREATE INDEX ix_audits_request_id ON audits (request_id, id);
        CREATE INDEX ix_audits_finished_at ON audits (finished_at);
        CREATE INDEX ix_audits_model ON audits (model, id);
        """);

    // Version 2: full-text search over question and answer, when this SQLite has FTS5 (the bundled e_sqlite3 does);
    // without it searches fall back to LIKE. Rows are never updated, so insert and delete triggers suffice.
    private static void CreateFullTextIndex(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (!SupportsFts5(connection, transaction))
        {
            return;
        }

        Execute(connection, transaction, """
            CREATE VIRTUAL TABLE audits_fts USING fts5(question, answer, content = 'audits', content_rowid = 'id');
            CREATE TRIGGER audits_fts_insert AFTER INSERT ON audits
                WHEN new.question IS NOT NULL OR new.answer IS NOT NULL BEGIN
                INSERT INTO audits_fts (rowid, question, answer) VALUES (new.id, new.question, new.answer);
            END;
            CREATE TRIGGER audits_fts_delete AFTER DELETE ON audits
                WHEN old.question IS NOT NULL OR old.answer IS NOT NULL BEGIN
                INSERT INTO audits_fts (audits_fts, rowid, question, answer) VALUES ('delete', old.id, old.question, old.answer);
            END;
            INSERT INTO audits_fts (rowid, question, answer)
                SELECT id, question, answer FROM audits WHERE question IS NOT NULL OR answer IS NOT NULL;
            """);
    }

    private static bool SupportsFts5(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT sqlite_compileoption_used('ENABLE_FTS5');";
        return Convert.ToInt64(command.ExecuteScalar()) == 1;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
