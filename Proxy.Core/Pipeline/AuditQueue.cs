using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;

namespace TruthTable.Core.Pipeline;

/// <summary>
/// The bounded hand-off from the request path to the audit workers. <see cref="TryEnqueue"/> never blocks: when
/// the queue is full or shutting down, the job is dropped and reported as AuditFailed, so nothing disappears.
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
    // audited request asks (HasRoom) while the workers read.
    private int _depth;

    public int Depth => Volatile.Read(ref _depth);

    public bool HasRoom => Depth < Capacity;

    internal ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) =>
        _channel.Reader.WaitToReadAsync(cancellationToken);

    internal bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AuditJob? job)
    {
        if (!_channel.Reader.TryRead(out job))
        {
            return false;
        }

        Interlocked.Decrement(ref _depth);
        return true;
    }

    public bool TryEnqueue(AuditJob job)
    {
        // Counted before the write, so a worker that reads the job at once never takes the count below zero.
        Interlocked.Increment(ref _depth);
        if (_channel.Writer.TryWrite(job))
        {
            return true;
        }

        Interlocked.Decrement(ref _depth);
        job.Dispose();
        Reject(job.RequestId, AuditExchangeDetails.For(job, job.Direct));
        return false;
    }

    /// <summary>
    /// Reports an exchange that was proxied without a copy because the queue was already full when it arrived:
    /// the outcome a rejected job gets, without the cost of capturing it first.
    /// </summary>
    public void RejectUncaptured(string requestId, string route, int upstreamStatus) =>
        Reject(requestId, new AuditExchangeDetails(route, upstreamStatus, "", null, null, null));

    private void Reject(string requestId, AuditExchangeDetails details)
    {
        var shuttingDown = !_isOpen;
        _events.Failed(new AuditFailedEvent(
            requestId,
            shuttingDown ? FailureReasons.Shutdown : FailureReasons.QueueFull,
            shuttingDown ? "The audit pipeline is shutting down and takes no new jobs." : _queueFullMessage,
            Skipped: false,
            _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
            details);
    }

    /// <summary>Stops taking jobs; what is queued can still be read.</summary>
    internal void Complete()
    {
        _isOpen = false;
        _channel.Writer.TryComplete();
    }
}
