namespace TruthTable.Contracts;

/// <summary>Well-known paths and header names of a TruthTable proxy.</summary>
public static class AuditHubPaths
{
    /// <summary>The path of the SignalR audit hub.</summary>
    public const string Hub = "/hubs/audit";

    /// <summary>The header carrying the request id, on the proxied request and on its response.</summary>
    public const string RequestIdHeader = "X-Request-ID";
}
