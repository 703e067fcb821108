using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Hub;

public sealed class HubOptionsTests : LiveServerTest
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Hub:MaximumReceiveMessageSize"] = "1024",
    };

    [Fact]
    public async Task Invoke_MessageOverConfiguredMaximum_ConnectionClosed()
    {
        await using var connection = await Server.ConnectHubAsync();
        var closed = new TaskCompletionSource<Exception?>();
        connection.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };

        await Assert.ThrowsAnyAsync<Exception>(() =>
            connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), new string('a', 4096)));

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task Invoke_SmallMessage_Accepted()
    {
        await using var connection = await Server.ConnectHubAsync();
        Assert.Null(await connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "small-1"));
    }
}
