using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TruthTable.Core.History;

/// <summary>
/// The history's SQLite file: resolves its path, checks and migrates it once at start (WAL journal), and opens
/// connections with the per-connection settings. A file that cannot be read stops the host with a message naming
/// it, rather than starting on an empty history that would look like data loss.
/// </summary>
public sealed partial class HistoryDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly ILogger<HistoryDatabase> _logger;
    private readonly Lock _initGate = new();
    private bool _initialized;

    public HistoryDatabase(IOptions<HistoryOptions> options, IHostEnvironment environment, ILogger<HistoryDatabase> logger)
    {
        _logger = logger;
        var configured = string.IsNullOrWhiteSpace(options.Value.Path) ? HistoryOptions.DefaultPath : options.Value.Path;
        FilePath = Path.GetFullPath(configured, environment.ContentRootPath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>True when question and answer searches use the FTS5 index; false means LIKE.</summary>
    public bool HasFullTextSearch { get; private set; }

    public int SchemaVersion { get; private set; }

    /// <summary>
    /// Serializes this process's writers (batch writer, retention). SemaphoreSlim queues async waiters in order,
    /// so the writer gets the lock between two retention batches instead of spinning on SQLITE_BUSY.
    /// </summary>
    internal SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <summary>Creates the folder and file if needed, checks the file, applies migrations. Idempotent.</summary>
    public void Initialize()
    {
        lock (_initGate)
        {
            if (_initialized)
            {
                return;
            }

            try
            {
                Open();
            }
            catch (HistoryDatabaseException e)
            {
                Log.Unusable(_logger, e, FilePath);
                throw;
            }
        }
    }

    private void Open()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            using var connection = OpenConnection();
            CheckIntegrity(connection);
            var version = HistorySchema.ReadVersion(connection);
            if (version > HistorySchema.LatestVersion)
            {
                throw Unusable($"its schema version {version} is newer than this build knows ({HistorySchema.LatestVersion}); run a newer TruthTable or move the file aside");
            }

            EnableWriteAheadLog(connection);
            HistorySchema.Migrate(connection, version);
            SchemaVersion = HistorySchema.LatestVersion;
            HasFullTextSearch = HistorySchema.HasFullTextIndex(connection);
            _initialized = true;
            Log.Opened(_logger, FilePath, SchemaVersion, version, HasFullTextSearch);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw Unusable(e.Message, e);
        }
    }

    /// <summary>An open connection with this store's settings; dispose it to return it to the pool.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // NORMAL in WAL mode: a commit survives a killed process; only an OS crash or power loss can undo the last ones.
            command.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release it so a new host (or a test) gets it cleanly.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        WriteGate.Dispose();
    }

    private void CheckIntegrity(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check(5);";
        using var reader = command.ExecuteReader();
        var problems = new List<string>();
        while (reader.Read())
        {
            problems.Add(reader.GetString(0));
        }

        if (problems is not ["ok"])
        {
            throw Unusable("PRAGMA quick_check found damage: " + string.Join("; ", problems));
        }
    }

    private void EnableWriteAheadLog(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw Unusable($"it cannot use the WAL journal (journal_mode is '{mode}')");
        }
    }

    private HistoryDatabaseException Unusable(string reason, Exception? inner = null) => new(
        $"The audit history database '{FilePath}' cannot be used: {reason}. " +
        $"Fix or move the file aside (the host then starts with an empty history), or set {HistoryOptions.SectionName}:{nameof(HistoryOptions.Path)} to another file.",
        inner);

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Audit history at {Path}: schema version {Version} (was {PreviousVersion}), full-text search {FullText}")]
        public static partial void Opened(ILogger logger, string path, int version, int previousVersion, bool fullText);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Critical, Message = "The audit history database {Path} cannot be used; the host stops")]
        public static partial void Unusable(ILogger logger, Exception exception, string path);
    }
}
