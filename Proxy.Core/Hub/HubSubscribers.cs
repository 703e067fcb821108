using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;

namespace TruthTable.Core.Hub;

/// <summary>
/// The audit hub's connections and what each listens to: the feed (<see cref="AuditHub.SubscribeToFeed"/>) and request
/// ids (<see cref="AuditHub.SubscribeToRequest"/>). The event sink writes to the connections directly rather than
/// through SignalR groups:
/// <list type="bullet">
/// <item>a batch of feed events reaches each subscriber as one write, its events serialized once per protocol and their
/// bytes joined. Through a group every event cost every subscriber a pipe write, a flush and a wake-up of its WebSocket
/// send loop; with a thousand subscribers that was most of the server's CPU (docs/PERFORMANCE.md, fan-out). Both hub
/// protocols frame each message on its own (JSON ends it with a record separator, MessagePack prefixes its length), so
/// joined bytes arrive as the same messages in the same order;</item>
/// <item>an event is serialized once for the feed and the request's watchers together;</item>
/// <item>a client that does not take its events within <see cref="AuditHubOptions.SlowSubscriberTimeout"/> is
/// disconnected. Every batch waits for all its writes, so one stalled client would otherwise hold up everyone's events
/// (a hung client until SignalR's client timeout; one that still pings but does not read, for good).</item>
/// </list>
/// </summary>
public sealed partial class HubSubscribers(
    IOptions<AuditHubOptions> options, TimeProvider timeProvider, ILogger<HubSubscribers> logger)
{
    private readonly TimeSpan _slowSubscriberTimeout = options.Value.SlowSubscriberTimeout;
    private long _disconnectedSlow;

    // Joins, leaves and disconnects take turns under the lock, so a subscription racing its connection's disconnect
    // cannot outlive it; the sink reads the dictionaries without it.
    private readonly Lock _membership = new();
    private readonly ConcurrentDictionary<string, Subscriber> _connected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubConnectionContext> _feed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Subscriber[]> _watchers = new(StringComparer.Ordinal);

    // Only the sink's send loop writes, one batch at a time; these are its scratch space, reused from batch to batch.
    private readonly List<(IHubProtocol Protocol, SerializedHubMessage Joined)> _joinedByProtocol = new(2);
    private readonly List<(HubConnectionContext Connection, Task Write)> _pendingWrites = [];

    /// <summary>Open hub connections (HealthUpdate).</summary>
    public int ConnectionCount => _connected.Count;

    /// <summary>Connections on the feed now.</summary>
    public int FeedCount => _feed.Count;

    /// <summary>Distinct request ids some connection watches now.</summary>
    public int WatchedRequestCount => _watchers.Count;

    /// <summary>Clients disconnected because they did not take a batch in time.</summary>
    public long DisconnectedSlow => Interlocked.Read(ref _disconnectedSlow);

    public bool IsWatched(string requestId) => _watchers.ContainsKey(requestId);

    /// <summary>Serializes one event, once for every recipient and protocol.</summary>
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

    internal void Connected(HubConnectionContext connection) =>
        _connected[connection.ConnectionId] = new Subscriber(connection);

    /// <summary>Ends everything the connection subscribed to.</summary>
    internal void Disconnected(string connectionId)
    {
        lock (_membership)
        {
            if (!_connected.TryRemove(connectionId, out var subscriber))
            {
                return;
            }

            _feed.TryRemove(connectionId, out _);
            foreach (var requestId in subscriber.Watched)
            {
                RemoveWatcher(requestId, subscriber);
            }
        }
    }

    /// <summary>Puts a connected client on the feed; a connection that is already gone is ignored.</summary>
    public void JoinFeed(string connectionId)
    {
        lock (_membership)
        {
            if (_connected.TryGetValue(connectionId, out var subscriber))
            {
                // In this order, here and in LeaveFeed: a batch written meanwhile may reach the connection twice
                // (through the feed and as a watcher), never not at all.
                _feed[connectionId] = subscriber.Connection;
                subscriber.OnFeed = true;
            }
        }
    }

    public void LeaveFeed(string connectionId)
    {
        lock (_membership)
        {
            if (_connected.TryGetValue(connectionId, out var subscriber))
            {
                subscriber.OnFeed = false;
                _feed.TryRemove(connectionId, out _);
            }
        }
    }

    /// <summary>
    /// Has the connection receive the request's events; false, and nothing changed, when it already watches
    /// <paramref name="maxPerConnection"/> other request ids. A connection that is already gone is ignored.
    /// </summary>
    public bool Watch(string connectionId, string requestId, int maxPerConnection)
    {
        lock (_membership)
        {
            if (!_connected.TryGetValue(connectionId, out var subscriber) || subscriber.Watched.Contains(requestId))
            {
                return true;
            }

            if (subscriber.Watched.Count >= maxPerConnection)
            {
                return false;
            }

            subscriber.Watched.Add(requestId);
            _watchers[requestId] = _watchers.TryGetValue(requestId, out var watchers) ? [.. watchers, subscriber] : [subscriber];
            return true;
        }
    }

    public void Unwatch(string connectionId, string requestId)
    {
        lock (_membership)
        {
            if (_connected.TryGetValue(connectionId, out var subscriber) && subscriber.Watched.Remove(requestId))
            {
                RemoveWatcher(requestId, subscriber);
            }
        }
    }

    private void RemoveWatcher(string requestId, Subscriber subscriber)
    {
        if (_watchers.TryGetValue(requestId, out var watchers))
        {
            var remaining = Array.FindAll(watchers, w => w != subscriber);
            if (remaining.Length == 0)
            {
                _watchers.TryRemove(requestId, out _);
            }
            else
            {
                _watchers[requestId] = remaining;
            }
        }
    }

    /// <summary>
    /// Starts writing the messages, in order, to every feed subscriber as one write each; <see cref="FinishWritesAsync"/>
    /// waits for them. The caller may reuse <paramref name="messages"/> once this returns. One caller at a time: the
    /// hub's event sink.
    /// </summary>
    public void WriteToFeed(IReadOnlyList<SerializedHubMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var (_, connection) in _feed)
            {
                StartWrite(connection, Joined(messages, connection.Protocol), cancellationToken);
            }
        }
        finally
        {
            _joinedByProtocol.Clear(); // this batch's bytes, never the next one's
        }
    }

    /// <summary>
    /// Starts writing the message to the request's watchers. Those on the feed get it from the feed, unless
    /// <paramref name="feedSubscribersToo"/> (for an event the feed does not carry).
    /// </summary>
    public void WriteToWatchers(string requestId, SerializedHubMessage message, bool feedSubscribersToo, CancellationToken cancellationToken)
    {
        if (!_watchers.TryGetValue(requestId, out var watchers))
        {
            return;
        }

        foreach (var watcher in watchers)
        {
            if (feedSubscribersToo || !watcher.OnFeed)
            {
                StartWrite(watcher.Connection, message, cancellationToken);
            }
        }
    }

    private void StartWrite(HubConnectionContext connection, SerializedHubMessage message, CancellationToken cancellationToken)
    {
        ValueTask write;
        try
        {
            write = connection.WriteAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            write = ValueTask.FromException(e);
        }

        if (!write.IsCompletedSuccessfully)
        {
            _pendingWrites.Add((connection, write.AsTask()));
        }
    }

    /// <summary>
    /// Ends when every write started has been taken, or when the clients that have not are disconnected after
    /// <see cref="AuditHubOptions.SlowSubscriberTimeout"/>. Throws what a write threw (a connection closing mid-write).
    /// </summary>
    public Task FinishWritesAsync(CancellationToken cancellationToken)
    {
        if (_pendingWrites.Count == 0)
        {
            return Task.CompletedTask;
        }

        var pending = _pendingWrites.ToArray();
        _pendingWrites.Clear();
        return WaitOrDisconnectAsync(pending, cancellationToken);
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
            // Handled below: the writes still pending belong to clients that stopped reading.
        }

        var disconnected = new HashSet<HubConnectionContext>();
        foreach (var (connection, write) in pending)
        {
            if (!write.IsCompleted && disconnected.Add(connection))
            {
                Interlocked.Increment(ref _disconnectedSlow);
                Log.SlowSubscriberDisconnected(logger, connection.ConnectionId, _slowSubscriberTimeout.TotalMilliseconds);
                connection.Abort();
            }
        }

        // What the others' writes threw is the caller's to log.
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

    private sealed class Subscriber(HubConnectionContext connection)
    {
        public HubConnectionContext Connection { get; } = connection;

        /// <summary>Set under the membership lock; the sink reads it without.</summary>
        public volatile bool OnFeed;

        /// <summary>The request ids it watches; under the membership lock.</summary>
        public HashSet<string> Watched { get; } = new(StringComparer.Ordinal);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Hub client {ConnectionId} did not take a batch of events within {TimeoutMs} ms; disconnected")]
        public static partial void SlowSubscriberDisconnected(ILogger logger, string connectionId, double timeoutMs);
    }
}
