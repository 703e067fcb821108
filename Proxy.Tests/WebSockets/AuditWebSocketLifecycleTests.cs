using System.Net.WebSockets;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.WebSockets;

/// <summary>Starting and stopping the host with /ws: options validated at start, sockets closed at stop.</summary>
public sealed class AuditWebSocketLifecycleTests
{
    [Fact]
    public async Task Ws_HostStopping_ClosesSocketsAsGoingAway()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        var server = await TruthTableServer.StartAsync(upstream.BaseAddress);
        await using var feed = await WebSocketFeedClient.ConnectAsync(server.BaseAddress);
        await feed.WaitForAsync("health_update");

        var stopping = server.DisposeAsync().AsTask();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await feed.ReceiveAsync(cts.Token) is not null)
        {
        }

        await stopping;
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, feed.Socket.CloseStatus);
    }

    [Fact]
    public async Task AddAuditWebSockets_InvalidOptions_StopsTheHostNamingEveryKey()
    {
        var settings = new Dictionary<string, string?>
        {
            ["WebSockets:MaxReceiveMessageBytes"] = "10",
            ["WebSockets:SendQueueCapacity"] = "0",
        };

        await using var server = new TruthTableServer(new Uri("http://127.0.0.1:9"), settings);

        var error = Assert.ThrowsAny<Exception>(() => server.StartServer());

        Assert.Contains("WebSockets:MaxReceiveMessageBytes", error.ToString());
        Assert.Contains("WebSockets:SendQueueCapacity", error.ToString());
    }
}
