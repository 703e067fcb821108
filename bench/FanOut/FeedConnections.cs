using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TruthTable.Contracts;

namespace TruthTable.Bench.FanOut;

/// <summary>Opens feed subscribers the way a dashboard does: HubConnection, then SubscribeToFeed.</summary>
public static class FeedConnections
{
    private static readonly string[] FeedEvents =
    [
        nameof(IAuditClient.AuditStarted), nameof(IAuditClient.AuditComplete), nameof(IAuditClient.AuditFailed),
        nameof(IAuditClient.HealthUpdate), nameof(IAuditClient.StatsUpdate),
    ];

    /// <param name="bound">The events <paramref name="bind"/> handles; the others get a handler that ignores them.</param>
    public static async Task<HubConnection> OpenAsync(Uri baseUrl, bool messagePack, Action<HubConnection> bind, params string[] bound)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(baseUrl, AuditHubPaths.Hub));
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        // Every feed event gets a handler: a message without one costs the client a binding failure (an exception),
        // which at 1,000 connections would make the client, not the server, the bottleneck.
        foreach (var name in FeedEvents.Except(bound))
        {
            connection.On<Ignored>(name, _ => { });
        }

        bind(connection);
        await connection.StartAsync();
        await connection.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));
        return connection;
    }

    /// <summary>Opens <paramref name="count"/> subscribers, a few at a time so the server's accept loop is not flooded.</summary>
    public static async Task<List<HubConnection>> OpenManyAsync(
        Uri baseUrl, int count, bool messagePack, Action<HubConnection, int> bind, params string[] bound)
    {
        var connections = new HubConnection[count];
        var next = -1;
        var openers = Enumerable.Range(0, Math.Min(count, 16)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var index = i;
                connections[index] = await OpenAsync(baseUrl, messagePack, c => bind(c, index), bound);
            }
        });
        await Task.WhenAll(openers);
        return [.. connections];
    }

    public static async Task CloseAllAsync(IEnumerable<HubConnection> connections)
    {
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
    }
}

/// <summary>
/// The two fields of AuditCompleteEvent the benchmark needs. Binding to this instead of the full record keeps the
/// client's own deserialization cost (1,000 connections on 2 shared cores) from inflating the measured latency.
/// </summary>
public sealed record CompleteStamp(string RequestId, long Timestamp);

/// <summary>The one field of AuditFailedEvent the benchmark needs: whose audit ended without a result.</summary>
public sealed record FailedStamp(string RequestId);

/// <summary>An event the client reads past without keeping any field.</summary>
public sealed record Ignored;
