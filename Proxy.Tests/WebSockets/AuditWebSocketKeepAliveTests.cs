using System.Net.WebSockets;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.WebSockets;

/// <summary>Keep-alive pings: a peer that stops answering them is dropped; one that reads stays.</summary>
public sealed class AuditWebSocketKeepAliveTests : LiveServerTest
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WebSockets:KeepAliveInterval"] = "00:00:01",
        ["WebSockets:KeepAliveTimeout"] = "00:00:01",
    };

    [Fact]
    public async Task Ws_PeerThatNeverAnswersPings_IsDropped()
    {
        await using var reading = await WebSocketFeedClient.ConnectAsync(Server.BaseAddress);
        // A .NET client answers pings only while a receive is pending, so one that never receives never answers.
        await using var silent = await WebSocketFeedClient.ConnectAsync(Server.BaseAddress);
        await reading.WaitForAsync("health_update", p => p.GetProperty("connections").GetInt32() == 2);

        await reading.WaitForAsync("health_update", p => p.GetProperty("connections").GetInt32() == 1,
            timeout: TimeSpan.FromSeconds(15));

        Assert.Equal(WebSocketState.Open, reading.Socket.State);
    }
}
