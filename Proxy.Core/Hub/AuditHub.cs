using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.History;
using TruthTable.Core.RequestIds;

namespace TruthTable.Core.Hub;

/// <summary>
/// The typed audit hub. Thin on purpose: a request's watchers are SignalR groups, the feed's subscribers are kept by
/// <see cref="FeedSubscribers"/>, and events are pushed from outside by <see cref="SignalRAuditEventSink"/>.
/// </summary>
public sealed class AuditHub(
    AuditStateCache states,
    IAuditOutcomeLookup storedOutcomes,
    HubConnectionCounter connections,
    WatchedRequests watchedRequests,
    FeedSubscribers feed,
    IHostApplicationLifetime lifetime)
    : Hub<IAuditClient>, IAuditHub
{
    /// <summary>Request subscriptions one connection may hold (a bound on per-connection state).</summary>
    public const int MaxWatchedRequestsPerConnection = 1000;

    private const string OnFeedKey = "truthtable.feed";
    private const string WatchedKey = "truthtable.watched";

    public static string RequestGroup(string requestId) => "request:" + requestId;

    /// <summary>
    /// Feed subscribers watching the request. They get its events through the feed, except those that never go to
    /// the feed (an exchange turned away by a full audit queue), which are sent to both of the request's groups.
    /// </summary>
    public static string FeedWatcherGroup(string requestId) => "request-feed:" + requestId;

    // Events go to the request's group and to the feed. A connection in both would get them twice, so a feed
    // subscriber watches from FeedWatcherGroup instead of the request group while on the feed (and moves back when it
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

        if (Watched.Add(requestId))
        {
            watchedRequests.Add(requestId);
        }

        // Join first, then read the state: an event raised in between reaches the client either way.
        await Groups.AddToGroupAsync(Context.ConnectionId, OnFeed ? FeedWatcherGroup(requestId) : RequestGroup(requestId));

        // The cache knows this run's recent audits; older ones, and those of earlier runs, are in the history.
        return states.Find(requestId) ?? await storedOutcomes.FindAsync(requestId, Context.ConnectionAborted);
    }

    public Task UnsubscribeFromRequest(string requestId)
    {
        EnsureValid(requestId);
        if (Watched.Remove(requestId))
        {
            watchedRequests.Remove(requestId);
        }

        return LeaveAsync(requestId);
    }

    private async Task LeaveAsync(string requestId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, RequestGroup(requestId));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, FeedWatcherGroup(requestId));
    }

    public async Task SubscribeToFeed()
    {
        Context.Items[OnFeedKey] = true;
        feed.Join(Context.ConnectionId);
        foreach (var requestId in Watched)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, FeedWatcherGroup(requestId));
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, RequestGroup(requestId));
        }
    }

    public async Task UnsubscribeFromFeed()
    {
        foreach (var requestId in Watched)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, RequestGroup(requestId));
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, FeedWatcherGroup(requestId));
        }

        Context.Items.Remove(OnFeedKey);
        feed.Leave(Context.ConnectionId);
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
        // SignalR takes the connection out of its groups; the count of watchers is ours to keep.
        if (Context.Items.ContainsKey(WatchedKey))
        {
            foreach (var requestId in Watched)
            {
                watchedRequests.Remove(requestId);
            }
        }

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
