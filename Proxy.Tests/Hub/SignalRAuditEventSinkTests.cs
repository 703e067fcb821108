using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Hub;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Hub;

public sealed class SignalRAuditEventSinkTests : IAsyncLifetime
{
    private readonly RecordingAuditClient _clients = new();
    private readonly FakeTimeProvider _time = new();
    private readonly SignalRAuditEventSink _sink;
    private readonly List<string> _sendOrder = [];
    private readonly WatchedRequests _watched = new();
    private readonly List<IReadOnlyList<string>> _groupsSent = [];

    public SignalRAuditEventSinkTests()
    {
        var hubClients = new Mock<IHubClients<IAuditClient>>();
        hubClients.Setup(c => c.Groups(It.IsAny<IReadOnlyList<string>>()))
            .Callback((IReadOnlyList<string> groups) => { lock (_sendOrder) { _sendOrder.Add(groups[0]); _groupsSent.Add(groups); } })
            .Returns(_clients);
        hubClients.Setup(c => c.Group(It.IsAny<string>())).Returns(_clients);
        var hub = new Mock<IHubContext<AuditHub, IAuditClient>>();
        hub.Setup(h => h.Clients).Returns(hubClients.Object);
        _sink = new SignalRAuditEventSink(hub.Object, _watched, Options.Create(new AuditHubOptions()),
            NullLogger<SignalRAuditEventSink>.Instance, _time);
    }

    public Task InitializeAsync() => _sink.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _sink.StopAsync(CancellationToken.None);
        _sink.Dispose();
    }

    [Fact]
    public async Task Publish_LoneEvent_SentWhenTheBatchWindowPasses()
    {
        _sink.Publish(Envelope("r1"));

        var sent = await NextOrAdvanceAsync();

        Assert.Equal("r1", sent.RequestId);
    }

    [Fact]
    public async Task Publish_LoneEvent_HeldWhileTheClockStands()
    {
        _sink.Publish(Envelope("r1"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _clients.NextAsync<AuditFailedEvent>(TimeSpan.FromMilliseconds(200)));
        Assert.Equal("r1", (await NextOrAdvanceAsync()).RequestId);
    }

    [Fact]
    public async Task Publish_Burst_SentInOrderWithoutWaitingForTheWindow()
    {
        for (var i = 0; i < 10; i++)
        {
            _sink.Publish(Envelope($"r{i}"));
        }

        // A burst goes out without waiting, except perhaps a first event read alone, which the window holds until
        // the clock moves; the rest follow in order.
        var received = new List<string>();
        var first = await NextOrAdvanceAsync();
        received.Add(first.RequestId);
        for (var i = 1; i < 10; i++)
        {
            received.Add((await NextOrAdvanceAsync()).RequestId);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), received);
        lock (_sendOrder)
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(i => AuditHub.RequestGroup($"r{i}")), _sendOrder);
        }
    }

    /// <summary>The next sent event; while none comes, moves the fake clock one batch window at a time.</summary>
    [Fact]
    public void Publish_UncapturedNobodyWatches_NotQueued()
    {
        _sink.Publish(Envelope("turned-away") with { Uncaptured = true });

        Assert.Equal(0, _sink.Pending);
    }

    [Fact]
    public async Task Publish_UncapturedWatched_SentToTheRequestsGroupsNotTheFeed()
    {
        _watched.Add("watched");

        _sink.Publish(Envelope("watched") with { Uncaptured = true });
        _sink.Publish(Envelope("audited"));

        Assert.Equal("watched", (await NextOrAdvanceAsync()).RequestId);
        Assert.Equal("audited", (await NextOrAdvanceAsync()).RequestId);
        lock (_sendOrder)
        {
            Assert.Equal([AuditHub.RequestGroup("watched"), AuditHub.FeedWatcherGroup("watched")], _groupsSent[0]);
            Assert.Equal([AuditHub.RequestGroup("audited"), AuditHub.FeedGroup], _groupsSent[1]);
        }
    }

    private async Task<AuditFailedEvent> NextOrAdvanceAsync()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                return await _clients.NextAsync<AuditFailedEvent>(TimeSpan.FromMilliseconds(100));
            }
            catch (OperationCanceledException)
            {
                // The sink may not have started its window timer yet when the clock moved; move it again.
                _time.Advance(SignalRAuditEventSink.BatchWindow);
            }
        }

        throw new Xunit.Sdk.XunitException("No event was sent.");
    }

    private static AuditEventEnvelope Envelope(string requestId) =>
        new(requestId, new AuditFailedEvent(requestId, "queue_full", "full", Skipped: false, 0));
}
