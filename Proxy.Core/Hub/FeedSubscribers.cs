using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TruthTable.Contracts;

namespace TruthTable.Core.Hub;

/// <summary>
/// The connections on the feed (<see cref="AuditHub.SubscribeToFeed"/>), written to directly rather than through a
/// SignalR group so that a batch of feed events reaches each subscriber as one write: the events are serialized once
/// per protocol and their bytes joined. Through a group every event cost every subscriber a pipe write, a flush and a
/// wake-up of its WebSocket send loop; with a thousand subscribers that per-connection work was most of the server's
/// CPU (docs/PERFORMANCE.md, fan-out). Both hub protocols frame each message on its own (JSON ends it with a record
/// separator, MessagePack prefixes its length), so joined bytes arrive as the same messages in the same order.
/// </summary>
public sealed class FeedSubscribers
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubConnectionContext> _subscribed = new(StringComparer.Ordinal);

    // Only the sink's send loop writes batches; these are its scratch space, reused from batch to batch.
    private readonly List<(IHubProtocol Protocol, SerializedHubMessage Joined)> _joinedByProtocol = new(2);
    private readonly List<Task> _pendingWrites = [];

    /// <summary>Connections on the feed now.</summary>
    public int Count => _subscribed.Count;

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
        _subscribed.TryRemove(connectionId, out _);
        _connected.TryRemove(connectionId, out _);
    }

    /// <summary>Puts a connected client on the feed; a connection that is already gone is ignored.</summary>
    public void Join(string connectionId)
    {
        if (_connected.TryGetValue(connectionId, out var connection))
        {
            _subscribed[connectionId] = connection;
        }
    }

    public void Leave(string connectionId) => _subscribed.TryRemove(connectionId, out _);

    /// <summary>
    /// Writes the messages, in order, to every subscriber as one write each. The writes are all started before this
    /// returns (so the caller may reuse <paramref name="messages"/>); the task ends when every subscriber has taken
    /// them, a slow one included, as a group send does.
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
                    _pendingWrites.Add(write.AsTask());
                }
            }

            return _pendingWrites.Count switch
            {
                0 => Task.CompletedTask,
                1 => _pendingWrites[0],
                _ => Task.WhenAll(_pendingWrites.ToArray()),
            };
        }
        finally
        {
            _pendingWrites.Clear();
            _joinedByProtocol.Clear();
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
}
