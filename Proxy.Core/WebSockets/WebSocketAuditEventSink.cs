using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Events;

namespace TruthTable.Core.WebSockets;

/// <summary>
/// Delivers audit events to the plain-WebSocket clients. <see cref="Publish"/> serializes each event once and
/// hands the same bytes to every socket's bounded queue, never waiting; a socket that cannot keep up is dropped
/// and nobody else is held up.
/// </summary>
public sealed partial class WebSocketAuditEventSink(
    IOptions<AuditWebSocketOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<WebSocketAuditEventSink> logger)
    : IAuditEventSink, IHostedService
{
    private readonly AuditWebSocketOptions _options = options.Value;
    private readonly ConcurrentDictionary<AuditWebSocketConnection, Task> _connections = new();
    private volatile bool _stopping;
    private CancellationTokenRegistration _onStopping;
    private long _lagged;

    /// <summary>Open /ws connections.</summary>
    public int Count => _connections.Count;

    /// <summary>Connections dropped because their queue was full.</summary>
    public long LaggedConnections => Interlocked.Read(ref _lagged);

    public void Publish(AuditEventEnvelope envelope)
    {
        // /ws is a feed without per-request subscriptions: exchanges turned away by a full audit queue (one per
        // request under overload) are only counted, in StatsUpdate, or they would overrun every socket's queue.
        if (_connections.IsEmpty || envelope.Uncaptured)
        {
            return;
        }

        var auditEvent = envelope.Event is HealthUpdateEvent health
            ? health with { Connections = health.Connections + Count } // hub and /ws clients alike
            : envelope.Event;
        if (WebSocketEnvelopeSerializer.Serialize(auditEvent, timeProvider.GetUtcNow()) is not { } frame)
        {
            return;
        }

        foreach (var (connection, _) in _connections)
        {
            connection.Enqueue(frame);
        }
    }

    /// <summary>Serves one accepted socket until it closes.</summary>
    public async Task ServeAsync(WebSocket socket, CancellationToken requestAborted)
    {
        var connection = new AuditWebSocketConnection(socket, _options);
        var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections[connection] = served.Task;
        Log.Connected(logger, Count);
        try
        {
            if (_stopping)
            {
                connection.Complete();
            }

            var status = await connection.RunAsync(requestAborted);
            if (connection.Lagged)
            {
                Interlocked.Increment(ref _lagged);
                Log.DroppedLagging(logger, _options.SendQueueCapacity);
            }

            Log.Disconnected(logger, status?.ToString() ?? "aborted", Count - 1);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            served.SetResult();
        }
    }

    /// <summary>
    /// Sockets are closed when the host starts stopping, not when this service stops: the server stops first and
    /// waits for open requests, which a WebSocket is, so it would otherwise wait out its whole shutdown timeout.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _onStopping = lifetime.ApplicationStopping.Register(CloseAll);
        return Task.CompletedTask;
    }

    /// <summary>Closes any socket still open (normally none by now) and waits, bounded, for them to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _onStopping.DisposeAsync();
        CloseAll();
        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(_options.CloseTimeout * 2, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Sockets that do not finish in time are aborted by the server as it stops.
        }
    }

    /// <summary>Each socket sends what is queued, then closes as going away (1001).</summary>
    private void CloseAll()
    {
        _stopping = true;
        foreach (var (connection, _) in _connections)
        {
            connection.Complete();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "WebSocket client connected; {Count} open")]
        public static partial void Connected(ILogger logger, int count);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "WebSocket client closed ({Status}); {Count} open")]
        public static partial void Disconnected(ILogger logger, string status, int count);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Warning,
            Message = "Dropped a WebSocket client that fell {Capacity} events behind (WebSockets:SendQueueCapacity)")]
        public static partial void DroppedLagging(ILogger logger, int capacity);
    }
}
