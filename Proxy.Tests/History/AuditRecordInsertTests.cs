using System.Text.Json;
using Microsoft.Data.Sqlite;
using TruthTable.Core.Extraction;
using TruthTable.Core.History;

namespace TruthTable.Tests.History;

/// <summary>The writer's positional insert against the real schema: every column reads back as written.</summary>
public sealed class AuditRecordInsertTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("truthtable-insert-").FullName;
    private readonly SqliteConnection _connection;

    public AuditRecordInsertTests()
    {
        _connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "h.db")};Pooling=False");
        _connection.Open();
        HistorySchema.Migrate(_connection, from: 0);
    }

    public void Dispose()
    {
        _connection.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static AuditRecord Full(string requestId) => new()
    {
        RequestId = requestId, Outcome = "complete", Reason = "r", Error = "e", Model = "gpt-ünïcødé", Route = "/v1/chat/completions",
        UpstreamStatus = 200, ResponseSize = 12_345_678_901, QueuedMs = 3, StartedAt = 1_700_000_000_000, FinishedAt = 1_700_000_000_123,
        AuditMs = 17, EngineMs = 11, AuditId = "audit-1", TrustScore = 0.8125, HallucinationRate = 0.25, Grade = "B",
        Verdict = "partially_faithful", HallucinationDetected = true, TotalClaims = 4, SupportedClaims = 2, UnsupportedClaims = 1,
        ContradictedClaims = 1,
        Claims = [new StoredClaim("Rotterdam has Europe's largest port 🚢.", "supported", true, 0.9, 1, ["Rotterdam … port."], "stated"),
            new StoredClaim(null, "contradicted", false, 0.1, 0, null, null)],
        StepTimings = new Dictionary<string, long> { ["split"] = 1, ["verify"] = 2 },
        ReasoningTrace = "Checked 4 claims\nagainst 2 documents.", TextStored = true,
        Question = "Welcher Hafen ist der größte? 最大的港口", Answer = "Rotterdam \"quoted\" \u00e9\u0301",
        Context = [new ContextSnippet("messages[0]", "Rotterdam has the largest port in Europe.")],
    };

    private static AuditRecord Sparse(string requestId, string? answer = null) => new()
    {
        RequestId = requestId, Outcome = "skipped", Model = "m", Route = "/v1/completions", FinishedAt = 42, Answer = answer,
    };

    private List<AuditRecord> ReadAll()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {AuditRecordSql.SelectList} FROM audits ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<AuditRecord>();
        while (reader.Read())
        {
            rows.Add(AuditRecordSql.Read(reader));
        }

        return rows;
    }

    // Records hold lists, so compare what they serialize to (Id is not serialized).
    private static string Json(AuditRecord record) => JsonSerializer.Serialize(record);

    [Fact]
    public void Execute_EveryColumnSet_ReadsBackAsWritten()
    {
        using var insert = new AuditRecordInsert(_connection);

        insert.Execute(Full("req-1"));

        Assert.Equal(Json(Full("req-1")), Json(Assert.Single(ReadAll())));
    }

    [Fact]
    public void Execute_NullColumnsAndTextOverTheBufferLimit_ReadBackAsWritten()
    {
        var huge = string.Concat(Enumerable.Repeat("Große Häfen ", 40_000)); // ~520 KB of UTF-8, past the reused buffer
        using var insert = new AuditRecordInsert(_connection);

        insert.Execute(Sparse("a", answer: huge));
        insert.Execute(Full("b")); // the buffer is reused after the large text
        insert.Execute(Sparse("c"));

        var rows = ReadAll();
        Assert.Equal([Json(Sparse("a", huge)), Json(Full("b")), Json(Sparse("c"))], rows.Select(Json));
        Assert.Null(rows[2].TrustScore);
        Assert.Null(rows[2].HallucinationDetected);
        Assert.Null(rows[2].Claims);
    }

    [Fact]
    public void Execute_RowTheSchemaRejects_ThrowsWithSqlitesReasonAndTheNextRowStillInserts()
    {
        using var insert = new AuditRecordInsert(_connection);

        var error = Assert.Throws<SqliteException>(() => insert.Execute(Sparse("bad") with { Outcome = "maybe" }));
        insert.Execute(Sparse("good"));

        Assert.Contains("CHECK constraint failed", error.Message);
        Assert.Equal("good", Assert.Single(ReadAll()).RequestId);
    }

    [Fact]
    public void Execute_StoredText_IsFoundByTheFullTextIndex()
    {
        using var insert = new AuditRecordInsert(_connection);

        insert.Execute(Full("req-fts"));

        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM audits_fts WHERE audits_fts MATCH 'Hafen';";
        Assert.Equal(1L, command.ExecuteScalar());
    }
}
