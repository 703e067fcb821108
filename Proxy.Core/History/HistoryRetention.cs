using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TruthTable.Core.History;

/// <summary>
/// Enforces <see cref="HistoryOptions.MaxAge"/> and <see cref="HistoryOptions.MaxRows"/> at start and every
/// <see cref="HistoryOptions.RetentionInterval"/>. Deletes in transactions of <see cref="HistoryOptions.RetentionBatchSize"/>
/// rows and takes the write gate per batch, so the batch writer waits at most one small delete.
/// </summary>
public sealed partial class HistoryRetention(
    HistoryDatabase database,
    IOptions<HistoryOptions> options,
    TimeProvider timeProvider,
    ILogger<HistoryRetention> logger) : BackgroundService
{
    private readonly HistoryOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RetentionInterval, timeProvider);
        try
        {
            do
            {
                try
                {
                    var result = await RunOnceAsync(stoppingToken);
                    if (result.Deleted > 0)
                    {
                        Log.Deleted(logger, result.DeletedByAge, result.DeletedByCount, result.Batches);
                    }
                }
                catch (Exception e) when (e is SqliteException or HistoryDatabaseException)
                {
                    Log.Failed(logger, e, database.FilePath);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One retention pass: rows older than MaxAge, then the oldest rows beyond MaxRows.</summary>
    public async Task<RetentionResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        database.Initialize();
        await using var connection = database.OpenConnection();
        var cutoff = (timeProvider.GetUtcNow() - _options.MaxAge).ToUnixTimeMilliseconds();
        var (byAge, ageBatches) = await DeleteInBatchesAsync(connection, "finished_at < $bound", cutoff, cancellationToken);

        var (byCount, countBatches) = (0, 0);
        if (NewestBeyondMaxRows(connection) is { } boundary)
        {
            (byCount, countBatches) = await DeleteInBatchesAsync(connection, "id <= $bound", boundary, cancellationToken);
        }

        return new RetentionResult(byAge, byCount, ageBatches + countBatches);
    }

    /// <summary>The id of the newest row that is past MaxRows, counting from the newest; null when within it.</summary>
    private long? NewestBeyondMaxRows(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM audits ORDER BY id DESC LIMIT 1 OFFSET $maxRows;";
        command.Parameters.AddWithValue("$maxRows", _options.MaxRows);
        return command.ExecuteScalar() is long id ? id : null;
    }

    private async Task<(int Deleted, int Batches)> DeleteInBatchesAsync(
        SqliteConnection connection, string condition, long bound, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        // Oldest first, by the primary key: each batch is a short range delete.
        command.CommandText = $"DELETE FROM audits WHERE id IN (SELECT id FROM audits WHERE {condition} ORDER BY id LIMIT $batch);";
        command.Parameters.AddWithValue("$bound", bound);
        command.Parameters.AddWithValue("$batch", _options.RetentionBatchSize);
        var (deleted, batches) = (0, 0);
        while (true)
        {
            int count;
            await database.WriteGate.WaitAsync(cancellationToken);
            try
            {
                count = command.ExecuteNonQuery();
            }
            finally
            {
                database.WriteGate.Release();
            }

            if (count == 0)
            {
                return (deleted, batches);
            }

            deleted += count;
            batches++;
            if (count < _options.RetentionBatchSize)
            {
                return (deleted, batches);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "History retention deleted {ByAge} outcomes past History:MaxAge and {ByCount} past History:MaxRows in {Batches} batches")]
        public static partial void Deleted(ILogger logger, int byAge, int byCount, int batches);

        [LoggerMessage(EventId = 5402, Level = LogLevel.Error, Message = "History retention on {Path} failed; it runs again at the next interval")]
        public static partial void Failed(ILogger logger, Exception exception, string path);
    }
}

/// <summary>What one retention pass deleted, and in how many transactions.</summary>
public sealed record RetentionResult(int DeletedByAge, int DeletedByCount, int Batches)
{
    public int Deleted => DeletedByAge + DeletedByCount;
}
