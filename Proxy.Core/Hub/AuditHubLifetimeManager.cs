using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace TruthTable.Core.Hub;

/// <summary>
/// SignalR's own in-memory lifetime manager, which also tells <see cref="HubSubscribers"/> of connections coming and
/// going: the hub sees only a connection's id, the event sink needs the connection itself to write to it.
/// </summary>
public sealed class AuditHubLifetimeManager(HubSubscribers subscribers, ILogger<DefaultHubLifetimeManager<AuditHub>> logger)
    : DefaultHubLifetimeManager<AuditHub>(logger)
{
    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        subscribers.Connected(connection);
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        subscribers.Disconnected(connection.ConnectionId);
        return base.OnDisconnectedAsync(connection);
    }
}
