using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
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
    private readonly FeedSubscribers _feed = FeedSubscribersExtensions.NewFeed();
    private readonly IHubContext<AuditHub, IAuditClient> _hub;

    public SignalRAuditEventSinkTests()
    {
        var hubClients = new Mock<IHubClients<IAuditClient>>();
        hubClients.Setup(c => c.Groups(It.IsAny<IReadOnlyList<string>>()))
            .Callback((IReadOnlyList<string> groups) => { lock (_sendOrder) { _sendOrder.Add(groups[0]); _groupsSent.Add(groups); } })
            .Returns(_clients);
        hubClients.Setup(c => c.Group(It.IsAny<string>()))
            .Callback((string group) => { lock (_sendOrder) { _sendOrder.Add(group); _groupsSent.Add([group]); } })
            .Returns(_clients);
        var hub = new Mock<IHubContext<AuditHub, IAuditClient>>();
        hub.Setup(h => h.Clients).Returns(hubClients.Object);
        _hub = hub.Object;
        _sink = CreateSink();
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
            Assert.Equal([AuditHub.RequestGroup("audited")], _groupsSent[1]);
        }
    }

    [Fact]
    public async Task Publish_BurstWithFeedSubscribers_EachGetsItAsOneWriteInOrder()
    {
        var json = _feed.Subscribe("json", new JsonHubProtocol());
        var messagePack = _feed.Subscribe("msgpack", new MessagePackHubProtocol());
        var sink = CreateSink();
        for (var i = 0; i < 10; i++)
        {
            sink.Publish(Envelope($"r{i}"));
        }

        await sink.StartAsync(CancellationToken.None); // the burst is queued before the loop reads: one batch
        await sink.StopAsync(CancellationToken.None);   // sends what is queued, then stops
        sink.Dispose();

        foreach (var subscriber in new[] { json, messagePack })
        {
            var received = subscriber.ReadInvocations();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"),
                received.Select(m => ((AuditFailedEvent)m.Arguments[0]!).RequestId));
            Assert.Equal(1, subscriber.Flushes);
        }
    }

    [Fact]
    public async Task Publish_UncapturedBetweenFeedEvents_FeedSentUpToItFirst()
    {
        _watched.Add("watched");
        var subscriber = _feed.Subscribe("c1", new JsonHubProtocol());
        var sink = CreateSink();
        sink.Publish(Envelope("before"));
        sink.Publish(Envelope("watched") with { Uncaptured = true });
        sink.Publish(Envelope("after"));

        await sink.StartAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);
        sink.Dispose();

        // The feed's events either side of the uncaptured one go as two writes, the first before its group send.
        Assert.Equal(["before", "after"], subscriber.ReadInvocations().Select(m => ((AuditFailedEvent)m.Arguments[0]!).RequestId));
        Assert.Equal(2, subscriber.Flushes);
        lock (_sendOrder)
        {
            Assert.Equal([AuditHub.RequestGroup("before"), AuditHub.RequestGroup("watched"), AuditHub.RequestGroup("after")], _sendOrder);
        }
    }

    private SignalRAuditEventSink CreateSink() =>
        new(_hub, _watched, _feed, Options.Create(new AuditHubOptions()), NullLogger<SignalRAuditEventSink>.Instance, _time);

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
