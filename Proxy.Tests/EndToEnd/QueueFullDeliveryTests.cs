using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Core.History;
using TruthTable.Core.Pipeline;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EndToEnd;

/// <summary>
/// Exchanges turned away by a full audit queue, on a real server with real hub clients: their AuditFailed reaches
/// the request's watchers (on the feed or not) and nobody else; the feed and the history only count them.
/// </summary>
public sealed class QueueFullDeliveryTests
{
    [Fact]
    public async Task QueueFull_WatchersGetTheFailure_FeedAndHistoryOnlyCountIt()
    {
        // An engine that accepts connections and never answers: the one worker stays on its first job.
        using var silentEngine = new TcpListener(IPAddress.Loopback, 0);
        silentEngine.Start();
        var held = new List<TcpClient>();
        var accepting = AcceptAndHoldAsync(silentEngine, held);
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress, new Dictionary<string, string?>
        {
            ["Audit:Endpoint"] = $"http://127.0.0.1:{((IPEndPoint)silentEngine.LocalEndpoint).Port}",
            ["Audit:Workers"] = "1",
            ["Audit:QueueCapacity"] = "1",
            ["Audit:Timeout"] = "00:01:00",
            ["Audit:ShutdownTimeout"] = "00:00:00",
            ["Hub:StatsInterval"] = "00:00:00.200",
        });
        var (feed, feedEvents) = await server.ConnectFeedAsync();
        await using var feedConnection = feed;
        var (watcher, watcherEvents) = await server.ConnectToRequestAsync("over-1");
        await using var watcherConnection = watcher;
        var (feedWatcher, feedWatcherEvents) = await server.ConnectFeedAsync();
        await using var feedWatcherConnection = feedWatcher;
        await feedWatcher.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "over-1");
        using var http = server.CreateHttpClient();
        var queue = server.GetService<AuditQueue>();

        await ChatAsync(http, "in-flight");
        // The worker took it and waits on the engine. (Not "depth 0": the response can end before the exchange's
        // reserved slot becomes a queued job, and "waiting" would then be turned away too.)
        await feedEvents.WaitForAsync<AuditStartedEvent>(e => e.RequestId == "in-flight");
        await ChatAsync(http, "waiting");
        await Poll.UntilAsync(() => queue.Depth == 1); // queued once the proxied exchange has ended
        await ChatAsync(http, "over-1");
        await ChatAsync(http, "unwatched-1");

        var toWatcher = await watcherEvents.WaitForAsync<AuditFailedEvent>(e => e.RequestId == "over-1");
        Assert.Equal(FailureReasons.QueueFull, toWatcher.Reason);
        await feedWatcherEvents.WaitForAsync<AuditFailedEvent>(e => e.RequestId == "over-1");
        // Stats and health raised after both were turned away: by then anything sent to the feed has arrived too.
        var stats = await feedEvents.WaitForAsync<StatsUpdateEvent>(s => s.FailedAudits >= 2);
        var health = await feedEvents.WaitForAsync<HealthUpdateEvent>(h => h.History?.QueueFullNotStored >= 2);
        await feedWatcherEvents.WaitForAsync<StatsUpdateEvent>(s => s.Timestamp >= stats.Timestamp);

        Assert.Empty(feedEvents.Seen.OfType<AuditFailedEvent>());
        Assert.Single(feedWatcherEvents.Seen.OfType<AuditFailedEvent>()); // once, though it is on the feed too
        Assert.DoesNotContain(watcherEvents.Seen.OfType<AuditFailedEvent>(), e => e.RequestId == "unwatched-1");
        Assert.Equal(2, health.History!.QueueFullNotStored);
        Assert.Null(await server.GetService<IAuditOutcomeLookup>().FindAsync("over-1", CancellationToken.None));

        // A watcher that comes later still learns the outcome, from the recent states.
        await using var late = await server.ConnectHubAsync();
        var state = await late.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "unwatched-1");
        Assert.Equal((AuditState.StatusFailed, FailureReasons.QueueFull), (state!.Status, state.Failed!.Reason));

        // Watchers are counted until they disconnect.
        var watched = server.GetService<TruthTable.Core.Hub.HubSubscribers>();
        await watcher.DisposeAsync();
        await Poll.UntilAsync(() => watched.WatchedRequestCount == 2); // over-1 (still on the feed watcher), unwatched-1 (late)
        await feedWatcher.DisposeAsync();
        await late.DisposeAsync();
        await Poll.UntilAsync(() => watched.WatchedRequestCount == 0);

        silentEngine.Stop();
        lock (held)
        {
            held.ForEach(c => c.Dispose());
        }

        await accepting;
    }

    private static async Task ChatAsync(HttpClient http, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(AuditHubPaths.RequestIdHeader, requestId);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // proxied either way
        await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task AcceptAndHoldAsync(TcpListener listener, List<TcpClient> held)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync();
                lock (held)
                {
                    held.Add(client);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
