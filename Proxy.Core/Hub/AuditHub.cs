using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.History;
using TruthTable.Core.RequestIds;

namespace TruthTable.Core.Hub;

/// <summary>
/// The typed audit hub. Thin on purpose: who listens to what is kept by <see cref="HubSubscribers"/>, and events are
/// pushed from outside by <see cref="SignalRAuditEventSink"/>.
/// </summary>
public sealed class AuditHub(
    AuditStateCache states,
    IAuditOutcomeLookup storedOutcomes,
    HubSubscribers subscribers,
    IHostApplicationLifetime lifetime)
    : Hub<IAuditClient>, IAuditHub
{
    /// <summary>Request subscriptions one connection may hold (a bound on per-connection state).</summary>
    public const int MaxWatchedRequestsPerConnection = 1000;

    public async Task<AuditState?> SubscribeToRequest(string requestId)
    {
        EnsureValid(requestId);
        // Watch first, then read the state: an event raised in between reaches the client either way.
        if (!subscribers.Watch(Context.ConnectionId, requestId, MaxWatchedRequestsPerConnection))
        {
            throw new HubException($"A connection may watch at most {MaxWatchedRequestsPerConnection} request ids; unsubscribe from some first.");
        }

        // The cache knows this run's recent audits; older ones, and those of earlier runs, are in the history.
        return states.Find(requestId) ?? await storedOutcomes.FindAsync(requestId, Context.ConnectionAborted);
    }

    public Task UnsubscribeFromRequest(string requestId)
    {
        EnsureValid(requestId);
        subscribers.Unwatch(Context.ConnectionId, requestId);
        return Task.CompletedTask;
    }

    public Task SubscribeToFeed()
    {
        subscribers.JoinFeed(Context.ConnectionId);
        return Task.CompletedTask;
    }

    public Task UnsubscribeFromFeed()
    {
        subscribers.LeaveFeed(Context.ConnectionId);
        return Task.CompletedTask;
    }

    public override Task OnConnectedAsync()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // SignalR closes its connections when the host starts stopping, but a client that reconnects at once
            // (withAutomaticReconnect) can get in before the server stops listening; left open, it would hold the
            // server's graceful shutdown for its whole timeout.
            Context.Abort();
        }

        return base.OnConnectedAsync();
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
