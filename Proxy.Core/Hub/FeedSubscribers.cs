using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;

namespace TruthTable.Core.Hub;

/// <summary>
/// The connections on the feed (<see cref="AuditHub.SubscribeToFeed"/>), written to directly rather than through a
/// SignalR group so that a batch of feed events reaches each subscriber as one write: the events are serialized once
/// per protocol and their bytes joined. Through a group every event cost every subscriber a pipe write, a flush and a
/// wake-up of its WebSocket send loop; with a thousand subscribers that per-connection work was most of the server's
/// CPU (docs/PERFORMANCE.md, fan-out). Both hub protocols frame each message on its own (JSON ends it with a record
/// separator, MessagePack prefixes its length), so joined bytes arrive as the same messages in the same order.
/// A subscriber that does not take a batch within <see cref="AuditHubOptions.SlowSubscriberTimeout"/> is disconnected:
/// every batch waits for all subscribers, so one stalled client would otherwise hold up the feed for everyone (a hung
/// client only until SignalR's client timeout; one that still pings but does not read, for good).
/// </summary>
public sealed partial class FeedSubscribers(
    IOptions<AuditHubOptions> options, TimeProvider timeProvider, ILogger<FeedSubscribers> logger)
{
    private readonly TimeSpan _slowSubscriberTimeout = options.Value.SlowSubscriberTimeout;
    private long _disconnectedSlow;

    private readonly ConcurrentDictionary<string, HubConnectionContext> _connected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubConnectionContext> _subscribed = new(StringComparer.Ordinal);

    // Only the sink's send loop writes batches; these are its scratch space, reused from batch to batch.
    private readonly List<(IHubProtocol Protocol, SerializedHubMessage Joined)> _joinedByProtocol = new(2);
    private readonly List<(HubConnectionContext Connection, Task Write)> _pendingWrites = [];

    /// <summary>Connections on the feed now.</summary>
    public int Count => _subscribed.Count;

    /// <summary>Subscribers disconnected because they did not take a batch in time.</summary>
    public long DisconnectedSlow => Interlocked.Read(ref _disconnectedSlow);

    /// <summary>Serializes one event, once for every subscriber and protocol.</summary>
    public static SerializedHubMessage Serialize(object auditEvent) =>
        new(new InvocationMessage(MethodName(auditEvent), [auditEvent]));

    /// <summary>The <see cref="IAuditClient"/> method that carries the event.</summary>
    public static string MethodName(object auditEvent) => auditEvent switch
    {
        AuditStartedEvent => nameof(IAuditClient.AuditStarted),
        AuditCompleteEvent => nameof(IAuditClient.AuditComplete),
        AuditFailedEvent => nameof(IAuditClient.AuditFailed),
        HealthUpdateEvent => nameof(IAuditClient.HealthUpdate),
        StatsUpdateEvent => nameof(IAuditClient.StatsUpdate),
        _ => throw new ArgumentException($"{auditEvent.GetType().Name} is not an audit hub event.", nameof(auditEvent)),
    };

    internal void Connected(HubConnectionContext connection) => _connected[connection.ConnectionId] = connection;

    internal void Disconnected(string connectionId)
    {
        // In this order, with Join's second look: a join racing the disconnect never leaves the connection behind.
        _connected.TryRemove(connectionId, out _);
        _subscribed.TryRemove(connectionId, out _);
    }

    /// <summary>Puts a connected client on the feed; a connection that is already gone is ignored.</summary>
    public void Join(string connectionId)
    {
        if (_connected.TryGetValue(connectionId, out var connection))
        {
            _subscribed[connectionId] = connection;
            if (!_connected.ContainsKey(connectionId))
            {
                _subscribed.TryRemove(connectionId, out _); // disconnected meanwhile
            }
        }
    }

    public void Leave(string connectionId) => _subscribed.TryRemove(connectionId, out _);

    /// <summary>
    /// Writes the messages, in order, to every subscriber as one write each. The writes are all started before this
    /// returns (so the caller may reuse <paramref name="messages"/>); the task ends when every subscriber has taken
    /// them, or when those that have not are disconnected after <see cref="AuditHubOptions.SlowSubscriberTimeout"/>.
    /// One caller at a time: the hub's event sink.
    /// </summary>
    public Task SendAsync(IReadOnlyList<SerializedHubMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0 || _subscribed.IsEmpty)
        {
            return Task.CompletedTask;
        }

        try
        {
            foreach (var (_, connection) in _subscribed)
            {
                var write = connection.WriteAsync(Joined(messages, connection.Protocol), cancellationToken);
                if (!write.IsCompletedSuccessfully)
                {
                    _pendingWrites.Add((connection, write.AsTask()));
                }
            }

            return _pendingWrites.Count == 0 ? Task.CompletedTask : WaitOrDisconnectAsync([.. _pendingWrites], cancellationToken);
        }
        finally
        {
            _pendingWrites.Clear();
            _joinedByProtocol.Clear();
        }
    }

    private async Task WaitOrDisconnectAsync((HubConnectionContext Connection, Task Write)[] pending, CancellationToken cancellationToken)
    {
        var all = Task.WhenAll(pending.Select(p => p.Write));
        try
        {
            await all.WaitAsync(_slowSubscriberTimeout, timeProvider, cancellationToken);
            return;
        }
        catch (TimeoutException)
        {
            // Handled below: the writes still pending belong to subscribers that stopped reading.
        }

        foreach (var (connection, write) in pending)
        {
            if (!write.IsCompleted)
            {
                Interlocked.Increment(ref _disconnectedSlow);
                Log.SlowSubscriberDisconnected(logger, connection.ConnectionId, _slowSubscriberTimeout.TotalMilliseconds);
                connection.Abort();
            }
        }

        // What the others' writes threw (a connection closing mid-write) is the caller's to log, as before.
        if (all.IsFaulted)
        {
            await all;
        }
    }

    private SerializedHubMessage Joined(IReadOnlyList<SerializedHubMessage> messages, IHubProtocol protocol)
    {
        if (messages.Count == 1)
        {
            return messages[0]; // serializes (once per protocol) and caches itself
        }

        foreach (var (known, joined) in _joinedByProtocol)
        {
            if (known.Name == protocol.Name)
            {
                return joined;
            }
        }

        var length = 0;
        foreach (var message in messages)
        {
            length += message.GetSerializedMessage(protocol).Length;
        }

        var bytes = new byte[length];
        var offset = 0;
        foreach (var message in messages)
        {
            var serialized = message.GetSerializedMessage(protocol);
            serialized.Span.CopyTo(bytes.AsSpan(offset));
            offset += serialized.Length;
        }

        var forProtocol = new SerializedHubMessage([new SerializedMessage(protocol.Name, bytes)]);
        _joinedByProtocol.Add((protocol, forProtocol));
        return forProtocol;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Feed subscriber {ConnectionId} did not take a batch of events within {TimeoutMs} ms; disconnected")]
        public static partial void SlowSubscriberDisconnected(ILogger logger, string connectionId, double timeoutMs);
    }
}
