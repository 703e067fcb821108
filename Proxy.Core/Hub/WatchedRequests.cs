using System.Collections.Concurrent;

namespace TruthTable.Core.Hub;

/// <summary>
/// The request ids hub connections watch (<see cref="AuditHub.SubscribeToRequest"/>), counted per connection.
/// Lets the event sink drop, without queueing or sending, the events only a request's watchers would receive.
/// </summary>
public sealed class WatchedRequests
{
    private readonly ConcurrentDictionary<string, int> _watchers = new(StringComparer.Ordinal);

    /// <summary>Distinct request ids watched now.</summary>
    public int Count => _watchers.Count;

    public bool IsWatched(string requestId) => _watchers.ContainsKey(requestId);

    public void Add(string requestId) => _watchers.AddOrUpdate(requestId, 1, static (_, watchers) => watchers + 1);

    public void Remove(string requestId)
    {
        while (_watchers.TryGetValue(requestId, out var watchers))
        {
            var done = watchers <= 1
                ? _watchers.TryRemove(KeyValuePair.Create(requestId, watchers))
                : _watchers.TryUpdate(requestId, watchers - 1, watchers);
            if (done)
            {
                return;
            }
        }
    }
}
