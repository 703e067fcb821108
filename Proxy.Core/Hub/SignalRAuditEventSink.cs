using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;

namespace TruthTable.Core.Hub;

/// <summary>
/// Delivers audit events to hub clients. <see cref="Publish"/> only queues (bounded, oldest dropped and counted),
/// so the pipeline never waits on a slow client; a background loop sends each event once to the request's group
/// and the feed group together, so SignalR serializes it once for all recipients.
/// </summary>
public sealed partial class SignalRAuditEventSink : BackgroundService, IAuditEventSink
{
    private readonly IHubContext<AuditHub, IAuditClient> _hub;
    private readonly ILogger<SignalRAuditEventSink> _logger;
    private readonly Channel<AuditEventEnvelope> _outbound;
    private static readonly TimeSpan FlushOnStopTimeout = TimeSpan.FromSeconds(2);
    private long _dropped;

    public SignalRAuditEventSink(
        IHubContext<AuditHub, IAuditClient> hub, IOptions<AuditHubOptions> options, ILogger<SignalRAuditEventSink> logger)
    {
        _hub = hub;
        _logger = logger;
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

    public void Publish(AuditEventEnvelope envelope) => _outbound.Writer.TryWrite(envelope);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var envelope in _outbound.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(envelope);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.SendFailed(_logger, e, envelope.Event.GetType().Name);
            }
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
        var clients = envelope.RequestId is null
            ? _hub.Clients.Group(AuditHub.FeedGroup)
            : _hub.Clients.Groups(AuditHub.RequestGroup(envelope.RequestId), AuditHub.FeedGroup);
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
