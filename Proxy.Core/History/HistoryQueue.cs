using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Events;

namespace TruthTable.Core.History;

/// <summary>
/// The bounded hand-off from the pipeline's threads to the history writer. <see cref="TryEnqueue"/> never blocks:
/// when the backlog is full the outcome is dropped and counted, and the count is reported in HealthUpdate.
/// </summary>
public sealed class HistoryQueue : IAuditHistoryHealth
{
    private readonly Channel<HistoryQueueItem> _channel;
    private int _depth;
    private int _peakDepth;
    private long _dropped;
    private long _written;
    private long _batches;
    private long _failedWrites;

    public HistoryQueue(IOptions<HistoryOptions> options)
    {
        Capacity = options.Value.QueueCapacity;
        _channel = Channel.CreateBounded<HistoryQueueItem>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: "full" comes back to us to count, not dropped silently
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public int Capacity { get; }

    /// <summary>Outcomes waiting to be written.</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>The largest backlog seen since start.</summary>
    public int PeakDepth => Volatile.Read(ref _peakDepth);

    /// <summary>Outcomes not stored because the backlog was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Outcomes written to the database.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Transactions that wrote outcomes.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Outcomes lost because their batch could not be written.</summary>
    public long FailedWrites => Interlocked.Read(ref _failedWrites);

    internal ChannelReader<HistoryQueueItem> Reader => _channel.Reader;

    public bool TryEnqueue(AuditEventEnvelope outcome, AuditStartedEvent? started)
    {
        if (!_channel.Writer.TryWrite(new HistoryQueueItem(outcome, started, null)))
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        var depth = Interlocked.Increment(ref _depth);
        var peak = Volatile.Read(ref _peakDepth);
        while (depth > peak && Interlocked.CompareExchange(ref _peakDepth, depth, peak) != peak)
        {
            peak = Volatile.Read(ref _peakDepth);
        }

        return true;
    }

    /// <summary>
    /// Completes once everything enqueued before the call is committed (or failed and counted). Once the queue is
    /// completed for shutdown it returns at once: the writer's StopAsync is what waits for the drain then.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // A flush waits for room rather than being dropped: it is not on the request path.
            await _channel.Writer.WriteAsync(new HistoryQueueItem(null, null, flushed), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken);
    }

    public HistoryHealth Snapshot() => new(Depth, Capacity, Dropped, FailedWrites);

    internal void OnDequeued() => Interlocked.Decrement(ref _depth);

    internal void OnWritten(int count)
    {
        Interlocked.Add(ref _written, count);
        Interlocked.Increment(ref _batches);
    }

    internal void OnWriteFailed(int count) => Interlocked.Add(ref _failedWrites, count);

    /// <summary>Takes no more outcomes; the writer drains what is queued.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}

/// <summary>An outcome with its start (for the timings), or a flush marker.</summary>
internal readonly record struct HistoryQueueItem(
    AuditEventEnvelope? Outcome, AuditStartedEvent? Started, TaskCompletionSource? Flushed);

/// <summary>The history's write path as reported in HealthUpdate.</summary>
public interface IAuditHistoryHealth
{
    HistoryHealth Snapshot();
}
