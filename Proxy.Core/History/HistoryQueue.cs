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
    private long _queuedBytes;
    private long _textDropped;
    private long _uncaptured;
    private readonly long _maxQueuedBytes;
    private readonly bool _storeText;

    public HistoryQueue(IOptions<HistoryOptions> options)
    {
        Capacity = options.Value.QueueCapacity;
        _maxQueuedBytes = options.Value.MaxQueuedBytes;
        _storeText = options.Value.StoreText;
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

    /// <summary>Outcomes queued without their text because the backlog's text budget was spent.</summary>
    public long TextDropped => Interlocked.Read(ref _textDropped);

    /// <summary>Exchanges turned away uncaptured by a full audit queue: counted, never stored one row each.</summary>
    public long Uncaptured => Interlocked.Read(ref _uncaptured);

    internal void CountUncaptured() => Interlocked.Increment(ref _uncaptured);

    /// <summary>Approximate memory held by the backlog now.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    internal ChannelReader<HistoryQueueItem> Reader => _channel.Reader;

    public bool TryEnqueue(AuditEventEnvelope outcome, AuditStartedEvent? started)
    {
        var eventBytes = AuditEventSize.Of(outcome.Event);
        var textBytes = _storeText ? TextBytes(outcome.Details) : 0;
        var bytes = eventBytes + textBytes;
        if (!TryReserve(bytes))
        {
            if (textBytes == 0 || !TryReserve(eventBytes))
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }

            Interlocked.Increment(ref _textDropped);
            bytes = eventBytes;
            textBytes = 0;
        }

        if (textBytes == 0 && outcome.Details is { } details && (details.Query ?? details.Answer) is not null)
        {
            // Not kept, so not held: the backlog references no text it will not store.
            outcome = outcome with { Details = details with { Query = null, Answer = null, Context = null } };
        }

        if (!_channel.Writer.TryWrite(new HistoryQueueItem(outcome, started, null, bytes)))
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
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

    public HistoryHealth Snapshot() => new(Depth, Capacity, Dropped, FailedWrites, TextDropped, Uncaptured);

    internal void OnDequeued(in HistoryQueueItem item)
    {
        Interlocked.Decrement(ref _depth);
        Interlocked.Add(ref _queuedBytes, -item.Bytes);
    }

    private bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _queuedBytes, bytes) <= _maxQueuedBytes)
        {
            return true;
        }

        Interlocked.Add(ref _queuedBytes, -bytes);
        return false;
    }

    /// <summary>UTF-16 bytes of the text an outcome carries, as it sits in memory.</summary>
    private static long TextBytes(AuditExchangeDetails? details)
    {
        if (details is null)
        {
            return 0;
        }

        long chars = (details.Query?.Length ?? 0) + (details.Answer?.Length ?? 0);
        foreach (var snippet in details.Context ?? [])
        {
            chars += snippet.Content.Length;
        }

        return chars * sizeof(char);
    }

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
    AuditEventEnvelope? Outcome, AuditStartedEvent? Started, TaskCompletionSource? Flushed, long Bytes = 0);

/// <summary>The history's write path as reported in HealthUpdate.</summary>
public interface IAuditHistoryHealth
{
    HistoryHealth Snapshot();
}
