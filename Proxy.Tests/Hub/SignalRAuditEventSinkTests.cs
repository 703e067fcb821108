using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Hub;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Hub;

public sealed class SignalRAuditEventSinkTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly HubSubscribers _subscribers = HubSubscribersExtensions.NewSubscribers();
    private readonly InMemoryHubConnection _dashboard;
    private readonly Queue<string> _received = new();
    private readonly SignalRAuditEventSink _sink;

    public SignalRAuditEventSinkTests()
    {
        _dashboard = _subscribers.Subscribe("dashboard", new JsonHubProtocol());
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

        Assert.Equal("r1", await NextOrAdvanceAsync());
    }

    [Fact]
    public async Task Publish_LoneEvent_HeldWhileTheClockStands()
    {
        _sink.Publish(Envelope("r1"));

        await Task.Delay(200);
        Assert.Empty(_dashboard.ReadInvocations());
        Assert.Equal("r1", await NextOrAdvanceAsync());
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
        for (var i = 0; i < 10; i++)
        {
            received.Add(await NextOrAdvanceAsync());
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), received);
    }

    [Fact]
    public async Task Publish_EventThatWillNotSerialize_LoggedAndTheNextBatchStillGoesOut()
    {
        var logger = new RecordingLogger<SignalRAuditEventSink>();
        var sink = new SignalRAuditEventSink(_subscribers, Options.Create(new AuditHubOptions()), logger, _time);
        sink.Publish(new AuditEventEnvelope("broken", "not a hub event"));
        await sink.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() =>
        {
            _time.Advance(SignalRAuditEventSink.BatchWindow); // the lone event's window
            return !logger.Entries.IsEmpty;
        });

        sink.Publish(Envelope("r1"));
        await sink.StopAsync(CancellationToken.None); // sends what is queued, then stops
        sink.Dispose();

        Assert.Equal(["r1"], _dashboard.ReadInvocations().Select(HubSubscribersTests.RequestIdOf));
        Assert.Contains(logger.Entries, e => e.EventId.Id == 3001);
    }

    [Fact]
    public void Publish_UncapturedNobodyWatches_NotQueued()
    {
        _sink.Publish(Envelope("turned-away") with { Uncaptured = true });

        Assert.Equal(0, _sink.Pending);
    }

    [Fact]
    public async Task Publish_UncapturedWatched_SentToItsWatchersNotTheFeed()
    {
        var app = _subscribers.Connect("app", new JsonHubProtocol());
        _subscribers.Watch("app", "watched", maxPerConnection: 10);
        var sink = CreateSink();
        sink.Publish(Envelope("watched") with { Uncaptured = true });
        sink.Publish(Envelope("audited"));

        await SendQueuedAsync(sink);

        Assert.Equal(["audited"], _dashboard.ReadInvocations().Select(HubSubscribersTests.RequestIdOf));
        Assert.Equal(["watched"], app.ReadInvocations().Select(HubSubscribersTests.RequestIdOf));
    }

    [Fact]
    public async Task Publish_CapturedWatched_WatcherOffTheFeedGetsItAndTheFeedOnce()
    {
        var app = _subscribers.Connect("app", new JsonHubProtocol());
        _subscribers.Watch("app", "watched", maxPerConnection: 10);
        _subscribers.Watch("dashboard", "watched", maxPerConnection: 10);
        var sink = CreateSink();
        sink.Publish(Envelope("watched"));

        await SendQueuedAsync(sink);

        Assert.Equal(["watched"], _dashboard.ReadInvocations().Select(HubSubscribersTests.RequestIdOf));
        Assert.Equal(["watched"], app.ReadInvocations().Select(HubSubscribersTests.RequestIdOf));
    }

    [Fact]
    public async Task Publish_BurstWithFeedSubscribers_EachGetsItAsOneWriteInOrder()
    {
        var messagePack = _subscribers.Subscribe("msgpack", new MessagePackHubProtocol());
        var sink = CreateSink();
        for (var i = 0; i < 10; i++)
        {
            sink.Publish(Envelope($"r{i}"));
        }

        await SendQueuedAsync(sink);

        foreach (var subscriber in new[] { _dashboard, messagePack })
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"),
                subscriber.ReadInvocations().Select(HubSubscribersTests.RequestIdOf));
            Assert.Equal(1, subscriber.Flushes);
        }
    }

    [Fact]
    public async Task Publish_UncapturedBetweenFeedEvents_FeedSentUpToItFirst()
    {
        _subscribers.Watch("dashboard", "watched", maxPerConnection: 10);
        var sink = CreateSink();
        sink.Publish(Envelope("before"));
        sink.Publish(Envelope("watched") with { Uncaptured = true });
        sink.Publish(Envelope("after"));

        await SendQueuedAsync(sink);

        // The feed's events either side of the uncaptured one go as two writes, with the watcher's write between.
        Assert.Equal(["before", "watched", "after"], _dashboard.ReadInvocations().Select(HubSubscribersTests.RequestIdOf));
        Assert.Equal(3, _dashboard.Flushes);
    }

    private SignalRAuditEventSink CreateSink() =>
        new(_subscribers, Options.Create(new AuditHubOptions()), NullLogger<SignalRAuditEventSink>.Instance, _time);

    /// <summary>Starts a sink whose events were published before it ran (so they are one batch) and stops it once sent.</summary>
    private static async Task SendQueuedAsync(SignalRAuditEventSink sink)
    {
        await sink.StartAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None); // sends what is queued, then stops
        sink.Dispose();
    }

    /// <summary>The request id of the next event on the feed; while none comes, moves the fake clock one batch window at a time.</summary>
    private async Task<string> NextOrAdvanceAsync()
    {
        for (var attempt = 0; attempt < 50 && _received.Count == 0; attempt++)
        {
            foreach (var message in _dashboard.ReadInvocations())
            {
                _received.Enqueue(HubSubscribersTests.RequestIdOf(message));
            }

            if (_received.Count == 0)
            {
                await Task.Delay(100);
                // The sink may not have started its window timer yet when the clock moved; move it again.
                _time.Advance(SignalRAuditEventSink.BatchWindow);
            }
        }

        return _received.TryDequeue(out var requestId) ? requestId : throw new Xunit.Sdk.XunitException("No event was sent.");
    }

    private static AuditEventEnvelope Envelope(string requestId) =>
        new(requestId, new AuditFailedEvent(requestId, "queue_full", "full", Skipped: false, 0));
}
