namespace TruthTable.Contracts;

/// <summary>The methods a client may invoke on the audit hub (at <see cref="AuditHubPaths.Hub"/>).</summary>
public interface IAuditHub
{
    /// <summary>
    /// Joins the group of one request id (the <c>X-Request-ID</c> the proxy returned). Returns the audit's
    /// current state when it has already started or ended, so a late subscriber never misses its result;
    /// <c>null</c> when nothing is known of the request yet.
    /// </summary>
    Task<AuditState?> SubscribeToRequest(string requestId);

    /// <summary>Leaves the group of one request id.</summary>
    Task UnsubscribeFromRequest(string requestId);

    /// <summary>Receives every event of every request, plus health and stats updates.</summary>
    Task SubscribeToFeed();

    /// <summary>Stops receiving the feed.</summary>
    Task UnsubscribeFromFeed();
}
