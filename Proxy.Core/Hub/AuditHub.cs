using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.History;
using TruthTable.Core.RequestIds;

namespace TruthTable.Core.Hub;

/// <summary>
/// The typed audit hub. Thin on purpose: groups are SignalR's own bookkeeping, events are pushed from outside
/// through <see cref="IHubContext{THub,T}"/> by <see cref="SignalRAuditEventSink"/>.
/// </summary>
public sealed class AuditHub(
    AuditStateCache states,
    IAuditOutcomeLookup storedOutcomes,
    HubConnectionCounter connections,
    IHostApplicationLifetime lifetime)
    : Hub<IAuditClient>, IAuditHub
{
    public const string FeedGroup = "feed";

    /// <summary>Request subscriptions one connection may hold (a bound on per-connection state).</summary>
    public const int MaxWatchedRequestsPerConnection = 1000;

    private const string OnFeedKey = "truthtable.feed";
    private const string WatchedKey = "truthtable.watched";

    public static string RequestGroup(string requestId) => "request:" + requestId;

    // Events go to the request's group and the feed group in one send. SignalR does not de-duplicate a connection
    // that is in both, so a feed subscriber is kept out of request groups while on the feed (and put back when it
    // leaves it). Invocations of one connection run one at a time, so this per-connection state needs no lock.
    private bool OnFeed => Context.Items.ContainsKey(OnFeedKey);

    private HashSet<string> Watched =>
        (HashSet<string>)(Context.Items[WatchedKey] ??= new HashSet<string>(StringComparer.Ordinal));

    public async Task<AuditState?> SubscribeToRequest(string requestId)
    {
        EnsureValid(requestId);
        if (Watched.Count >= MaxWatchedRequestsPerConnection && !Watched.Contains(requestId))
        {
            throw new HubException($"A connection may watch at most {MaxWatchedRequestsPerConnection} request ids; unsubscribe from some first.");
        }

        Watched.Add(requestId);
        if (!OnFeed)
        {
            // Join first, then read the state: an event raised in between reaches the client either way.
            await Groups.AddToGroupAsync(Context.ConnectionId, RequestGroup(requestId));
        }

        // The cache knows this run's recent audits; older ones, and those of earlier runs, are in the history.
        return states.Find(requestId) ?? await storedOutcomes.FindAsync(requestId, Context.ConnectionAborted);
    }

    public Task UnsubscribeFromRequest(string requestId)
    {
        EnsureValid(requestId);
        Watched.Remove(requestId);
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, RequestGroup(requestId));
    }

    public async Task SubscribeToFeed()
    {
        Context.Items[OnFeedKey] = true;
        await Groups.AddToGroupAsync(Context.ConnectionId, FeedGroup);
        foreach (var requestId in Watched)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, RequestGroup(requestId));
        }
    }

    public async Task UnsubscribeFromFeed()
    {
        foreach (var requestId in Watched)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, RequestGroup(requestId));
        }

        Context.Items.Remove(OnFeedKey);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, FeedGroup);
    }

    public override Task OnConnectedAsync()
    {
        connections.Connected();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // SignalR closes its connections when the host starts stopping, but a client that reconnects at once
            // (withAutomaticReconnect) can get in before the server stops listening; left open, it would hold the
            // server's graceful shutdown for its whole timeout.
            Context.Abort();
        }

        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Disconnected();
        return base.OnDisconnectedAsync(exception);
    }

    private static void EnsureValid(string requestId)
    {
        if (!RequestId.IsValid(requestId))
        {
            // HubException messages reach the client; this one names the rule, not the input.
            throw new HubException("requestId must be 1 to 128 characters of [A-Za-z0-9._:-].");
        }
    }
}
