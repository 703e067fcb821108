using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;

namespace TruthTable.Core.Pipeline;

/// <summary>
/// The bounded hand-off from the request path to the audit workers. Nothing here blocks: when the queue is full
/// or shutting down, the job is dropped and reported as AuditFailed, so nothing disappears. Proxied exchanges
/// reserve their slot before they are copied (<see cref="TryReserve"/>), direct audits enqueue in one step.
/// </summary>
public sealed class AuditQueue
{
    private readonly Channel<AuditJob> _channel;
    private readonly AuditEventBroadcaster _events;
    private readonly TimeProvider _timeProvider;
    private volatile bool _isOpen = true;
    // Built once: under overload this message is raised for every exchange, on the request path.
    private readonly string _queueFullMessage;

    public AuditQueue(IOptions<AuditOptions> options, AuditEventBroadcaster events, TimeProvider timeProvider)
    {
        Capacity = options.Value.QueueCapacity;
        _queueFullMessage = $"The audit queue is full ({Capacity} jobs); the exchange was proxied but not audited.";
        _events = events;
        _timeProvider = timeProvider;
        _channel = Channel.CreateBounded<AuditJob>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: "full" is reported to us instead of dropping silently
            SingleReader = false,
            SingleWriter = false,
        });
    }

    public int Capacity { get; }

    // Counted here rather than read from the channel: a bounded channel's Count takes its lock, and every
    // audited request asks while the workers read. _claimed is the queued jobs plus the slots reserved by
    // exchanges still being captured; it never exceeds Capacity, so a reserved job always fits in the channel.
    private int _queued;
    private int _claimed;

    /// <summary>Jobs waiting for a worker.</summary>
    public int Depth => Volatile.Read(ref _queued);

    /// <summary>Exchanges being captured now, each holding a slot reserved for its job.</summary>
    public int Reserved => Math.Max(0, Volatile.Read(ref _claimed) - Depth);

    public bool HasRoom => Volatile.Read(ref _claimed) < Capacity;

    /// <summary>
    /// A quarter of the queue (at least one job) waits for a worker: the audits are not keeping up. The embedded
    /// engine then runs them at the proxy's priority rather than a lower one.
    /// </summary>
    public bool FallingBehind => Depth >= Math.Max(1, Capacity / 4);

    /// <summary>
    /// Claims a slot for a job that will be handed over later (<see cref="EnqueueReserved"/>): an exchange reserves
    /// before it is copied, so under overload only exchanges that will fit are captured at all, and the queue bounds
    /// the copies being taken as well as those waiting.
    /// </summary>
    public bool TryReserve()
    {
        var claimed = Volatile.Read(ref _claimed);
        while (claimed < Capacity)
        {
            var seen = Interlocked.CompareExchange(ref _claimed, claimed + 1, claimed);
            if (seen == claimed)
            {
                return true;
            }

            claimed = seen;
        }

        return false;
    }

    /// <summary>Hands over the job of a slot taken with <see cref="TryReserve"/>; refused only while shutting down.</summary>
    public bool EnqueueReserved(AuditJob job)
    {
        // Counted before the write, so a worker that reads the job at once never takes the count below zero.
        Interlocked.Increment(ref _queued);
        if (_channel.Writer.TryWrite(job))
        {
            return true;
        }

        Interlocked.Decrement(ref _queued);
        Interlocked.Decrement(ref _claimed);
        job.Dispose();
        Reject(job.RequestId, AuditExchangeDetails.For(job, job.Direct), uncaptured: false);
        return false;
    }

    /// <summary>Whether the next job is an exchange captured from the proxy (not a direct audit from the API).</summary>
    internal bool NextIsCaptured => _channel.Reader.TryPeek(out var next) && next.Captured is not null;

    internal ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) =>
        _channel.Reader.WaitToReadAsync(cancellationToken);

    internal bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AuditJob? job)
    {
        if (!_channel.Reader.TryRead(out job))
        {
            return false;
        }

        Interlocked.Decrement(ref _queued);
        Interlocked.Decrement(ref _claimed);
        return true;
    }

    public bool TryEnqueue(AuditJob job)
    {
        if (TryReserve())
        {
            return EnqueueReserved(job);
        }

        job.Dispose();
        Reject(job.RequestId, AuditExchangeDetails.For(job, job.Direct), uncaptured: false);
        return false;
    }

    /// <summary>
    /// Reports an exchange that was proxied without a copy because the queue was already full when it arrived:
    /// the outcome a rejected job gets, without the cost of capturing it first.
    /// </summary>
    public void RejectUncaptured(string requestId, string route, int upstreamStatus) =>
        Reject(requestId, new AuditExchangeDetails(route, upstreamStatus, "", null, null, null), uncaptured: true);

    private void Reject(string requestId, AuditExchangeDetails details, bool uncaptured)
    {
        var shuttingDown = !_isOpen;
        _events.Failed(new AuditFailedEvent(
            requestId,
            shuttingDown ? FailureReasons.Shutdown : FailureReasons.QueueFull,
            shuttingDown ? "The audit pipeline is shutting down and takes no new jobs." : _queueFullMessage,
            Skipped: false,
            _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
            details,
            uncaptured);
    }

    /// <summary>Stops taking jobs; what is queued can still be read.</summary>
    internal void Complete()
    {
        _isOpen = false;
        _channel.Writer.TryComplete();
    }
}
