using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace TruthTable.Core.Hub;

/// <summary>
/// SignalR's own in-memory lifetime manager, which also tells <see cref="FeedSubscribers"/> of connections coming and
/// going: the hub sees only a connection's id, the feed needs the connection itself to write to it.
/// </summary>
public sealed class AuditHubLifetimeManager(FeedSubscribers feed, ILogger<DefaultHubLifetimeManager<AuditHub>> logger)
    : DefaultHubLifetimeManager<AuditHub>(logger)
{
    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        feed.Connected(connection);
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        feed.Disconnected(connection.ConnectionId);
        return base.OnDisconnectedAsync(connection);
    }
}
