using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.Pipeline;

namespace TruthTable.Core.History;

/// <summary>
/// Drains the <see cref="HistoryQueue"/> into SQLite: up to <see cref="HistoryOptions.BatchSize"/> rows, or what
/// arrived within <see cref="HistoryOptions.BatchWindow"/> of the first, in one transaction on one connection with
/// a prepared insert. Opens (checks, migrates) the database at start, so a bad file stops the host before it
/// listens. Registered before the pipeline, it stops after it and writes the pipeline's shutdown failures too.
/// Like the audit workers, it yields the cores to the proxy while they are saturated (<see cref="SpareCapacityGate"/>),
/// but only while its backlog is under half of the queue's budget: holding longer would drop outcomes.
/// </summary>
public sealed partial class AuditHistoryWriter(
    HistoryDatabase database,
    HistoryQueue queue,
    SpareCapacityGate capacity,
    IOptions<HistoryOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditHistoryWriter> logger,
    AuditStateCache? recentStates = null) : BackgroundService
{
    /// <summary>
    /// The longest a batch is held while the cores are busy. Shorter than the audits' <c>Audit:MaxHold</c>: a batch
    /// costs little CPU, and held longer it would keep finished outcomes out of the history.
    /// </summary>
    public static readonly TimeSpan MaxBatchHold = TimeSpan.FromMilliseconds(100);

    private readonly HistoryOptions _options = options.Value;
    // The batch's outcomes that its rows hold whole (SubscribeToRequest can rebuild them from the history): once
    // committed, the recent-state cache lets its copies go, so they do not live on into the GC's older generations.
    private readonly List<(string RequestId, object Outcome)> _storedWhole = [];
    private SqliteConnection? _connection;
    private AuditRecordInsert? _insert;
    // The open batch: its transaction (holding the database's write gate), the rows inserted so far, and the first
    // insert that failed (the batch then rolls back whole, as one commit would have failed).
    private SqliteTransaction? _transaction;
    private int _inserted;
    private Exception? _insertFailure;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        database.Initialize();
        _connection = database.OpenConnection();
        _insert = new AuditRecordInsert(_connection);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditRecord>(_options.BatchSize);
        var flushes = new List<TaskCompletionSource>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Rows can wait while the backlog is short: its budget absorbs them. Past half of it they are written
                // whatever the cores are doing, or a host kept busy by other processes would drop what it could store.
                if (queue.Depth < queue.Capacity / 2 && queue.QueuedBytes < _options.MaxQueuedBytes / 2)
                {
                    await capacity.WaitForSpareCapacityAsync(MaxBatchHold, stoppingToken);
                }

                Take(batch, flushes);
                if (batch.Count < _options.BatchSize && flushes.Count == 0 && _options.BatchWindow > TimeSpan.Zero)
                {
                    await InsertTakenAsync(batch, stoppingToken);
                    await FillWithinWindowAsync(batch, flushes, stoppingToken);
                }

                await CommitAsync(batch, stoppingToken);
                foreach (var flushed in flushes)
                {
                    flushed.TrySetResult();
                }

                batch.Clear();
                _storedWhole.Clear();
                flushes.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the backlog was written; StopAsync has logged what was left.
        }
        finally
        {
            // Stopped (History:ShutdownTimeout passed) with a batch taken but not committed: rolled back, and its rows
            // counted as failed writes, which the Stopped log reports; they are no longer in the queue's depth.
            EndBatch();
            if (batch.Count > 0)
            {
                queue.OnWriteFailed(batch.Count);
            }

            foreach (var flushed in flushes)
            {
                flushed.TrySetCanceled(stoppingToken);
            }
        }
    }

    /// <summary>Writes the backlog (the pipeline's last outcomes included) before stopping, within History:ShutdownTimeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        try
        {
            await (ExecuteTask ?? Task.CompletedTask).WaitAsync(_options.ShutdownTimeout, timeProvider, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Log.ShutdownBacklogLost(logger, queue.Depth, database.FilePath);
        }

        await base.StopAsync(cancellationToken);
        Log.Stopped(logger, queue.Written, queue.Dropped, queue.FailedWrites);
    }

    public override void Dispose()
    {
        _insert?.Dispose();
        _connection?.Dispose();
        base.Dispose();
    }

    private async Task FillWithinWindowAsync(List<AuditRecord> batch, List<TaskCompletionSource> flushes, CancellationToken stoppingToken)
    {
        // Ends when the window is over (write what there is), the channel completes, or the host stops (the commit
        // then sees the stopping token).
        using var windowOver = new CancellationTokenSource();
        var closed = Task.Delay(_options.BatchWindow, timeProvider, windowOver.Token);
        while (batch.Count < _options.BatchSize && flushes.Count == 0 && await queue.Reader.WaitToReadUntilAsync(closed, stoppingToken))
        {
            Take(batch, flushes);
            await InsertTakenAsync(batch, stoppingToken);
        }

        windowOver.Cancel(); // a full batch ends the window early: let its timer go
    }

    /// <summary>Takes queued outcomes up to a full batch; stops at a flush marker so the flush is answered promptly.</summary>
    private void Take(List<AuditRecord> batch, List<TaskCompletionSource> flushes)
    {
        while (batch.Count < _options.BatchSize && queue.Reader.TryRead(out var item))
        {
            if (item.Flushed is { } flushed)
            {
                flushes.Add(flushed);
                return;
            }

            queue.OnDequeued(item);
            try
            {
                if (AuditRecordMapper.FromOutcome(item.Outcome!, item.Started, _options.StoreText) is { } record)
                {
                    batch.Add(record);
                    // Without StoreText a row keeps a result's verdicts but not its claims, evidence and trace.
                    if (_options.StoreText || item.Outcome!.Event is AuditFailedEvent)
                    {
                        _storedWhole.Add((record.RequestId, item.Outcome!.Event));
                    }
                }
            }
            catch (Exception e)
            {
                // A bug in mapping one event must not stop the history.
                queue.OnWriteFailed(1);
                Log.MapFailed(logger, e, item.Outcome!.RequestId);
            }
        }
    }

    /// <summary>
    /// Inserts the batch's rows taken since the last call, in the batch's transaction (opened by the first). Rows go
    /// in as they arrive within the window: a batch written at once was a burst of CPU of several ms, which delayed
    /// the proxied requests that met it (docs/PERFORMANCE.md); spread out, it comes one row (tens of µs) at a time.
    /// </summary>
    private async Task InsertTakenAsync(List<AuditRecord> batch, CancellationToken stoppingToken)
    {
        if (_inserted == batch.Count)
        {
            return;
        }

        if (_transaction is null && _insertFailure is null)
        {
            await database.WriteGate.WaitAsync(stoppingToken);
            try
            {
                _transaction = _connection!.BeginTransaction();
            }
            catch (Exception e)
            {
                database.WriteGate.Release();
                _insertFailure = e;
            }
        }

        for (; _inserted < batch.Count && _insertFailure is null; _inserted++)
        {
            try
            {
                _insert!.Execute(batch[_inserted]);
            }
            catch (Exception e)
            {
                _insertFailure = e;
            }
        }

        _inserted = batch.Count;
    }

    private async Task CommitAsync(List<AuditRecord> batch, CancellationToken stoppingToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await InsertTakenAsync(batch, stoppingToken);
        try
        {
            // Disk full, file removed, lock held elsewhere too long: counted and reported, and the writer goes on.
            if (_insertFailure is { } failure)
            {
                throw failure;
            }

            _transaction!.Commit();
            queue.OnWritten(batch.Count);
            foreach (var (requestId, outcome) in _storedWhole)
            {
                recentStates?.ForgetStored(requestId, outcome);
            }
        }
        catch (Exception e)
        {
            queue.OnWriteFailed(batch.Count);
            Log.WriteFailed(logger, e, batch.Count, database.FilePath, queue.FailedWrites);
        }
        finally
        {
            EndBatch();
        }
    }

    /// <summary>Closes the open batch (rolling back what was not committed) and releases the write gate.</summary>
    private void EndBatch()
    {
        var transaction = _transaction;
        _transaction = null;
        _inserted = 0;
        _insertFailure = null;
        if (transaction is null)
        {
            return;
        }

        try
        {
            transaction.Dispose();
        }
        finally
        {
            database.WriteGate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5201, Level = LogLevel.Error, Message = "Writing {Count} audit outcomes to {Path} failed; {FailedWrites} lost since start")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count, string path, long failedWrites);

        [LoggerMessage(EventId = 5202, Level = LogLevel.Error, Message = "Mapping the outcome of {RequestId} for the history failed")]
        public static partial void MapFailed(ILogger logger, Exception exception, string? requestId);

        [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "History:ShutdownTimeout passed with {Depth} audit outcomes not yet written to {Path}")]
        public static partial void ShutdownBacklogLost(ILogger logger, int depth, string path);

        [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "Audit history writer stopped: {Written} written, {Dropped} dropped (backlog full), {FailedWrites} failed since start")]
        public static partial void Stopped(ILogger logger, long written, long dropped, long failedWrites);
    }
}
