using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Pipeline;

namespace TruthTable.Core.Hub;

/// <summary>
/// Delivers audit events to hub clients. <see cref="Publish"/> only queues (bounded, oldest dropped and counted),
/// so the pipeline never waits on a slow client; a background loop serializes each event once and writes it to the
/// feed's subscribers and the request's watchers (<see cref="HubSubscribers"/>).
/// </summary>
/// <remarks>
/// Events that arrive close together (an audit's AuditStarted and AuditComplete, a burst) are gathered for a short
/// <see cref="BatchWindow"/> and reach each feed subscriber as one write: with many subscribers that per-connection
/// write is the cost that grows (docs/PERFORMANCE.md, fan-out). Each connection still receives events in the order
/// they were raised: SignalR queues a connection's writes in the order they are started.
/// </remarks>
public sealed partial class SignalRAuditEventSink : BackgroundService, IAuditEventSink
{
    private readonly HubSubscribers _subscribers;
    private readonly ILogger<SignalRAuditEventSink> _logger;
    private readonly Channel<AuditEventEnvelope> _outbound;
    private readonly TimeProvider _timeProvider;
    private static readonly TimeSpan FlushOnStopTimeout = TimeSpan.FromSeconds(2);
    private long _dropped;

    /// <summary>How long a lone event waits for company before it is sent.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(2);

    /// <summary>Most events written back to back before the writes are awaited.</summary>
    public const int MaxBatch = 64;

    public SignalRAuditEventSink(
        HubSubscribers subscribers,
        IOptions<AuditHubOptions> options,
        ILogger<SignalRAuditEventSink> logger,
        TimeProvider? timeProvider = null)
    {
        _subscribers = subscribers;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _outbound = Channel.CreateBounded<AuditEventEnvelope>(
            new BoundedChannelOptions(options.Value.OutboundQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Events dropped because clients could not keep up.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public int Pending => _outbound.Reader.Count;

    public void Publish(AuditEventEnvelope envelope)
    {
        // An exchange turned away by a full audit queue is news only to its watchers: under overload there is one
        // per request, which on the feed would bury the audits (and push them out of this queue). The feed counts
        // them in StatsUpdate; a watcher that subscribes later finds the outcome in the AuditStateCache, which
        // receives events before this sink (HubRegistration).
        if (envelope.Uncaptured && !_subscribers.IsWatched(envelope.RequestId!))
        {
            return;
        }

        _outbound.Writer.TryWrite(envelope);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEventEnvelope>(MaxBatch);
        var feedMessages = new List<SerializedHubMessage>(MaxBatch);
        try
        {
            while (await _outbound.Reader.WaitToReadAsync(stoppingToken))
            {
                await GatherAsync(batch, stoppingToken);
                // What fails (an event that would not serialize, a write) is logged, and the next batch goes out.
                try
                {
                    StartWrites(batch, feedMessages, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.SendFailed(_logger, e);
                }

                batch.Clear();
                feedMessages.Clear();
                try
                {
                    await _subscribers.FinishWritesAsync(stoppingToken); // all the writes started, even before a failure
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.SendFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // StopAsync's flush window ran out, or a host that failed to start was disposed unstopped.
        }
    }

    /// <summary>Serializes each event once and starts writing it to the request's watchers and the feed.</summary>
    private void StartWrites(List<AuditEventEnvelope> batch, List<SerializedHubMessage> feedMessages, CancellationToken stoppingToken)
    {
        foreach (var envelope in batch)
        {
            var message = HubSubscribers.Serialize(envelope.Event);
            if (!envelope.Uncaptured)
            {
                feedMessages.Add(message);
            }
            else
            {
                // Not for the feed, but for all the request's watchers, feed subscribers included: what the feed
                // already has of this batch goes first, so every connection gets events in order.
                _subscribers.WriteToFeed(feedMessages, stoppingToken);
                feedMessages.Clear();
            }

            if (envelope.RequestId is not null)
            {
                _subscribers.WriteToWatchers(envelope.RequestId, message, feedSubscribersToo: envelope.Uncaptured, stoppingToken);
            }
        }

        _subscribers.WriteToFeed(feedMessages, stoppingToken);
    }

    /// <summary>Takes what is queued (up to <see cref="MaxBatch"/>); a lone event waits <see cref="BatchWindow"/> for more.</summary>
    private async Task GatherAsync(List<AuditEventEnvelope> batch, CancellationToken stoppingToken)
    {
        Drain(batch);
        if (batch.Count != 1)
        {
            return;
        }

        // The window passing with nothing more, or the host stopping: send the one event.
        using var windowOver = new CancellationTokenSource();
        if (await _outbound.Reader.WaitToReadUntilAsync(Task.Delay(BatchWindow, _timeProvider, windowOver.Token), stoppingToken))
        {
            Drain(batch);
        }

        windowOver.Cancel(); // company came before the window closed: let its timer go
    }

    private void Drain(List<AuditEventEnvelope> batch)
    {
        while (batch.Count < MaxBatch && _outbound.Reader.TryRead(out var envelope))
        {
            batch.Add(envelope);
        }
    }

    /// <summary>Sends what is already queued (the pipeline's shutdown failures included) before stopping.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _outbound.Writer.TryComplete();
        try
        {
            await (ExecuteTask ?? Task.CompletedTask).WaitAsync(FlushOnStopTimeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Clients that cannot take the last events in time do not hold up shutdown.
        }

        await base.StopAsync(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Sending a batch of events to hub clients failed")]
        public static partial void SendFailed(ILogger logger, Exception exception);
    }
}
