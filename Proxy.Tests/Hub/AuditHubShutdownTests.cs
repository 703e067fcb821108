using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Moq;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.History;
using TruthTable.Core.Hub;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Hub;

/// <summary>
/// A client that reconnects while the host is stopping must not keep the server's graceful shutdown waiting
/// (seen with the dashboard: the host took its whole 30 s shutdown timeout to stop).
/// </summary>
public sealed class AuditHubShutdownTests
{
    [Fact]
    public async Task OnConnectedAsync_HostStopping_AbortsTheConnection()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var (hub, context) = CreateHub(stopping.Token);

        await hub.OnConnectedAsync();

        context.Verify(c => c.Abort(), Times.Once);
    }

    [Fact]
    public async Task OnConnectedAsync_HostRunning_KeepsTheConnection()
    {
        var (hub, context) = CreateHub(CancellationToken.None);

        await hub.OnConnectedAsync();

        context.Verify(c => c.Abort(), Times.Never);
    }

    private static (AuditHub Hub, Mock<HubCallerContext> Context) CreateHub(
        CancellationToken applicationStopping)
    {
        var lifetime = new Mock<IHostApplicationLifetime>();
        lifetime.SetupGet(l => l.ApplicationStopping).Returns(applicationStopping);
        var context = new Mock<HubCallerContext>();
        var hub = new AuditHub(
            new AuditStateCache(Options.Create(new AuditHubOptions())), Mock.Of<IAuditOutcomeLookup>(), HubSubscribersExtensions.NewSubscribers(), lifetime.Object)
        {
            Context = context.Object,
        };
        return (hub, context);
    }
}
