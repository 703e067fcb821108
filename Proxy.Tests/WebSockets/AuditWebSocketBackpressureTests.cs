using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.WebSockets;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.WebSockets;

/// <summary>Per-socket bounded queues: a socket that cannot keep up is dropped alone.</summary>
public sealed class AuditWebSocketBackpressureTests : LiveServerTest
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WebSockets:SendQueueCapacity"] = "8",
    };

    [Fact]
    public async Task Ws_SocketThatNeverReads_IsDroppedWithoutHoldingUpAnother()
    {
        await using var fast = await WebSocketFeedClient.ConnectAsync(Server.BaseAddress);
        await using var slow = await WebSocketFeedClient.ConnectAsync(Server.BaseAddress); // never reads
        await fast.WaitForAsync("health_update", p => p.GetProperty("connections").GetInt32() == 2);
        var sink = Server.GetService<WebSocketAuditEventSink>();
        var events = Server.GetService<AuditEventBroadcaster>();
        var bulky = new string('x', 64 * 1024);

        // Lockstep: each event reaches the fast socket before the next is raised, while the slow one's TCP
        // window, then its queue, fill up. Bounded: 64 MiB is far beyond any loopback socket buffer.
        var sent = 0;
        while (sink.LaggedConnections == 0 && sent < 1024)
        {
            var requestId = $"bulk-{++sent}";
            fast.Forget();
            events.Failed(new AuditFailedEvent(requestId, "engine_failed", bulky, Skipped: false, Timestamp: 1));
            await fast.WaitForAsync("audit_failed", p => p.GetProperty("request_id").GetString() == requestId);
        }

        Assert.Equal(1, sink.LaggedConnections);
        await fast.WaitForAsync("health_update", p => p.GetProperty("connections").GetInt32() == 1);
        events.Failed(new AuditFailedEvent("after-drop", "engine_failed", "small", Skipped: false, Timestamp: 1));
        await fast.WaitForAsync("audit_failed", p => p.GetProperty("request_id").GetString() == "after-drop");
        Assert.Equal(1, sink.Count);
    }
}
