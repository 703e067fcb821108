using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using TruthTable.Core.History;

namespace TruthTable.Tests.History;

public sealed class HistoryDatabaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("truthtable-db-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private HistoryDatabase Database(string path) => new(
        Microsoft.Extensions.Options.Options.Create(new HistoryOptions { Path = path }),
        Mock.Of<IHostEnvironment>(e => e.ContentRootPath == _folder),
        NullLogger<HistoryDatabase>.Instance);

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public void Initialize_NewFileInMissingFolder_CreatesLatestSchemaInWalMode()
    {
        using var database = Database("nested/deeper/truthtable.db");

        database.Initialize();

        Assert.Equal(Path.Combine(_folder, "nested", "deeper", "truthtable.db"), database.FilePath);
        Assert.True(File.Exists(database.FilePath));
        using var connection = database.OpenConnection();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        Assert.Equal(1L, Scalar(connection, "PRAGMA synchronous;")); // NORMAL
        Assert.Equal((long)HistorySchema.LatestVersion, Scalar(connection, "PRAGMA user_version;"));
        Assert.True(database.HasFullTextSearch); // the bundled e_sqlite3 has FTS5
    }

    [Fact]
    public void Initialize_EmptyPath_UsesDataFolderUnderContentRoot()
    {
        using var database = Database("");

        Assert.Equal(Path.Combine(_folder, "data", "truthtable.db"), database.FilePath);
    }

    [Fact]
    public void Initialize_GarbageFile_ThrowsNamingThePathAndTheSetting()
    {
        var path = Path.Combine(_folder, "corrupt.db");
        File.WriteAllBytes(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251)).ToArray());
        using var database = Database(path);

        var error = Assert.Throws<HistoryDatabaseException>(database.Initialize);

        Assert.Contains(path, error.Message);
        Assert.Contains("History:Path", error.Message);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public void Initialize_DamagedPage_ThrowsQuickCheckFinding()
    {
        var path = Path.Combine(_folder, "damaged.db");
        using (var healthy = Database(path))
        {
            healthy.Initialize();
            using var connection = healthy.OpenConnection();
            using var fill = connection.CreateCommand();
            fill.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); CREATE TABLE filler (x TEXT); " +
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO filler SELECT hex(randomblob(100)) FROM n; " +
                "PRAGMA wal_checkpoint(TRUNCATE);";
            fill.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        // Overwrite a page in the middle of the file but leave the header intact: the file still opens.
        using (var file = File.OpenWrite(path))
        {
            file.Position = file.Length / 2;
            file.Write(Enumerable.Repeat((byte)0xAB, 4096).ToArray());
        }

        using var database = Database(path);

        var error = Assert.Throws<HistoryDatabaseException>(database.Initialize);

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Initialize_NewerSchemaVersion_ThrowsNamingBothVersions()
    {
        var path = Path.Combine(_folder, "future.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, "PRAGMA user_version = 99;");
        }

        using var database = Database(path);

        var error = Assert.Throws<HistoryDatabaseException>(database.Initialize);

        Assert.Contains("99", error.Message);
        Assert.Contains($"({HistorySchema.LatestVersion})", error.Message);
    }

    [Fact]
    public async Task Initialize_VersionOneFile_MigratesAndIndexesTheStoredText()
    {
        var path = Path.Combine(_folder, "v1.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            HistorySchema.Migrate(connection, from: 0, to: 1);
            using var insert = new AuditRecordInsert(connection);
            insert.Execute(AuditRecordMapper.FromOutcome(
                HistoryEvents.Complete("old-1", question: "Which harbour is the busiest?", answer: "Rotterdam."), null, storeText: true)!);
        }

        using var database = Database(path);
        database.Initialize();
        var reader = new AuditHistoryReader(database, TimeProvider.System, NullLogger<AuditHistoryReader>.Instance);

        var found = await reader.ListAsync(new AuditQuery { Text = "harbour" }, CancellationToken.None);

        Assert.Equal(HistorySchema.LatestVersion, database.SchemaVersion);
        Assert.Equal("old-1", Assert.Single(found.Items).RequestId);
    }
}
