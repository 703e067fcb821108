using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Pipeline;

namespace TruthTable.Core.Hub;

/// <summary>
/// Delivers audit events to hub clients. <see cref="Publish"/> only queues (bounded, oldest dropped and counted),
/// so the pipeline never waits on a slow client; a background loop sends each event once to the request's group
/// and the feed group together, so SignalR serializes it once for all recipients.
/// </summary>
/// <remarks>
/// Events that arrive close together (an audit's AuditStarted and AuditComplete, a burst) are sent back to back
/// after a short <see cref="BatchWindow"/>: every connection then gets them in its pipe before its WebSocket send
/// loop runs, which writes them as one frame with one syscall instead of one each. With many feed subscribers that
/// per-connection write is the cost that grows (docs/PERFORMANCE.md, fan-out). Each connection still receives
/// events in the order they were raised: SignalR queues a connection's writes in order.
/// </remarks>
public sealed partial class SignalRAuditEventSink : BackgroundService, IAuditEventSink
{
    private readonly IHubContext<AuditHub, IAuditClient> _hub;
    private readonly WatchedRequests _watched;
    private readonly ILogger<SignalRAuditEventSink> _logger;
    private readonly Channel<AuditEventEnvelope> _outbound;
    private readonly TimeProvider _timeProvider;
    private static readonly TimeSpan FlushOnStopTimeout = TimeSpan.FromSeconds(2);
    private long _dropped;

    /// <summary>How long a lone event waits for company before it is sent.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(2);

    /// <summary>Most events sent back to back before the sends are awaited.</summary>
    public const int MaxBatch = 64;

    public SignalRAuditEventSink(
        IHubContext<AuditHub, IAuditClient> hub,
        WatchedRequests watched,
        IOptions<AuditHubOptions> options,
        ILogger<SignalRAuditEventSink> logger,
        TimeProvider? timeProvider = null)
    {
        _hub = hub;
        _watched = watched;
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
        if (envelope.Uncaptured && !_watched.IsWatched(envelope.RequestId!))
        {
            return;
        }

        _outbound.Writer.TryWrite(envelope);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEventEnvelope>(MaxBatch);
        var sends = new List<(Task Send, AuditEventEnvelope Envelope)>(MaxBatch);
        try
        {
            while (await _outbound.Reader.WaitToReadAsync(stoppingToken))
            {
                await GatherAsync(batch, stoppingToken);
                foreach (var envelope in batch)
                {
                    try
                    {
                        sends.Add((SendAsync(envelope), envelope));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        Log.SendFailed(_logger, e, envelope.Event.GetType().Name);
                    }
                }

                foreach (var (send, envelope) in sends)
                {
                    try
                    {
                        await send;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        Log.SendFailed(_logger, e, envelope.Event.GetType().Name);
                    }
                }

                batch.Clear();
                sends.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // StopAsync's flush window ran out, or a host that failed to start was disposed unstopped.
        }
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

    internal Task SendAsync(AuditEventEnvelope envelope)
    {
        var clients = envelope switch
        {
            { RequestId: null } => _hub.Clients.Group(AuditHub.FeedGroup),
            { Uncaptured: true } => _hub.Clients.Groups(
                AuditHub.RequestGroup(envelope.RequestId), AuditHub.FeedWatcherGroup(envelope.RequestId)),
            _ => _hub.Clients.Groups(AuditHub.RequestGroup(envelope.RequestId), AuditHub.FeedGroup),
        };
        return envelope.Event switch
        {
            AuditStartedEvent e => clients.AuditStarted(e),
            AuditCompleteEvent e => clients.AuditComplete(e),
            AuditFailedEvent e => clients.AuditFailed(e),
            HealthUpdateEvent e => clients.HealthUpdate(e),
            StatsUpdateEvent e => clients.StatsUpdate(e),
            _ => Task.CompletedTask,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Sending {EventType} to hub clients failed")]
        public static partial void SendFailed(ILogger logger, Exception exception, string eventType);
    }
}
