using Microsoft.AspNetCore.SignalR;
using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.RequestIds;

namespace TruthTable.Core.Hub;

/// <summary>
/// The typed audit hub. Thin on purpose: groups are SignalR's own bookkeeping, events are pushed from outside
/// through <see cref="IHubContext{THub,T}"/> by <see cref="SignalRAuditEventSink"/>.
/// </summary>
public sealed class AuditHub(AuditStateCache states, HubConnectionCounter connections) : Hub<IAuditClient>, IAuditHub
{
    public const string FeedGroup = "feed";

    public static string RequestGroup(string requestId) => "request:" + requestId;

    public async Task<AuditState?> SubscribeToRequest(string requestId)
    {
        EnsureValid(requestId);
        // Join first, then read the state: an event raised in between reaches the client either way.
        await Groups.AddToGroupAsync(Context.ConnectionId, RequestGroup(requestId));
        return states.Find(requestId);
    }

    public Task UnsubscribeFromRequest(string requestId)
    {
        EnsureValid(requestId);
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, RequestGroup(requestId));
    }

    public Task SubscribeToFeed() => Groups.AddToGroupAsync(Context.ConnectionId, FeedGroup);

    public Task UnsubscribeFromFeed() => Groups.RemoveFromGroupAsync(Context.ConnectionId, FeedGroup);

    public override Task OnConnectedAsync()
    {
        connections.Connected();
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
