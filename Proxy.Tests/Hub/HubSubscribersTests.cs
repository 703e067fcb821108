using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Time.Testing;
using TruthTable.Contracts;
using TruthTable.Core.Hub;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Hub;

public sealed class HubSubscribersTests
{
    private readonly HubSubscribers _subscribers = HubSubscribersExtensions.NewSubscribers();

    [Fact]
    public async Task WriteToFeed_Batch_ReachesEachSubscriberInOrderAsOneWrite()
    {
        var subscriber = _subscribers.Subscribe("c1", new JsonHubProtocol());

        await _subscribers.SendToFeedAsync(Started("r1"), SampleEvents.Complete("r1"), Failed("r2"));

        var received = subscriber.ReadInvocations();
        Assert.Equal(
            [nameof(IAuditClient.AuditStarted), nameof(IAuditClient.AuditComplete), nameof(IAuditClient.AuditFailed)],
            received.Select(m => m.Target));
        Assert.Equal(["r1", "r1", "r2"], received.Select(RequestIdOf));
        Assert.Equal(1, subscriber.Flushes);
    }

    [Fact]
    public async Task WriteToFeed_JsonAndMessagePackSubscribers_EachGetsItsOwnEncoding()
    {
        var json = _subscribers.Subscribe("json", new JsonHubProtocol());
        var messagePack = _subscribers.Subscribe("msgpack", new MessagePackHubProtocol());

        await _subscribers.SendToFeedAsync(Started("r1"), SampleEvents.Complete("r1"));

        foreach (var subscriber in new[] { json, messagePack })
        {
            var received = subscriber.ReadInvocations();
            Assert.Equal(["r1", "r1"], received.Select(RequestIdOf));
            Assert.IsType<AuditCompleteEvent>(received[1].Arguments[0]);
            Assert.Equal(1, subscriber.Flushes);
        }
    }

    [Fact]
    public async Task WriteToFeed_AfterLeave_NothingMoreForThatConnection()
    {
        var staying = _subscribers.Subscribe("staying", new JsonHubProtocol());
        var leaving = _subscribers.Subscribe("leaving", new JsonHubProtocol());
        await _subscribers.SendToFeedAsync(Failed("r1"));

        _subscribers.LeaveFeed("leaving");
        await _subscribers.SendToFeedAsync(Failed("r2"));

        Assert.Equal(["r1", "r2"], staying.ReadInvocations().Select(RequestIdOf));
        Assert.Equal(["r1"], leaving.ReadInvocations().Select(RequestIdOf));
        Assert.Equal(1, _subscribers.FeedCount);
    }

    [Fact]
    public async Task Disconnected_EndsFeedAndWatches_AndLateSubscriptionsAreIgnored()
    {
        var gone = _subscribers.Subscribe("gone", new JsonHubProtocol());
        _subscribers.Watch("gone", "r1", maxPerConnection: 10);
        Assert.Equal((1, 1, 1), (_subscribers.ConnectionCount, _subscribers.FeedCount, _subscribers.WatchedRequestCount));

        _subscribers.Disconnected("gone");
        _subscribers.JoinFeed("gone"); // a late SubscribeToFeed of a connection already closed
        _subscribers.Watch("gone", "r2", maxPerConnection: 10);
        await _subscribers.SendToFeedAsync(Failed("r1"));
        await WriteToWatchersAsync(_subscribers, "r1", Failed("r1"), feedSubscribersToo: true);

        Assert.Equal((0, 0, 0), (_subscribers.ConnectionCount, _subscribers.FeedCount, _subscribers.WatchedRequestCount));
        Assert.Empty(gone.ReadInvocations());
    }

    [Fact]
    public async Task WriteToWatchers_WatcherOffTheFeed_GetsOnlyItsRequest()
    {
        var watcher = _subscribers.Connect("watcher", new JsonHubProtocol());
        _subscribers.Watch("watcher", "mine", maxPerConnection: 10);

        await _subscribers.SendToFeedAsync(Failed("other"));
        await WriteToWatchersAsync(_subscribers, "other", Failed("other"), feedSubscribersToo: false);
        await WriteToWatchersAsync(_subscribers, "mine", Failed("mine"), feedSubscribersToo: false);

        Assert.Equal(["mine"], watcher.ReadInvocations().Select(RequestIdOf));
    }

    [Fact]
    public async Task WriteToWatchers_WatcherOnTheFeed_GetsItOnlyWhenTheFeedDoesNot()
    {
        var both = _subscribers.Subscribe("both", new JsonHubProtocol());
        _subscribers.Watch("both", "r1", maxPerConnection: 10);

        await WriteToWatchersAsync(_subscribers, "r1", Started("r1"), feedSubscribersToo: false); // the feed carries it
        await WriteToWatchersAsync(_subscribers, "r1", Failed("r1"), feedSubscribersToo: true);   // the feed does not

        Assert.Equal([nameof(IAuditClient.AuditFailed)], both.ReadInvocations().Select(m => m.Target));
    }

    [Fact]
    public void Watch_TwoConnections_WatchedUntilBothLeave()
    {
        _subscribers.Connect("c1", new JsonHubProtocol());
        _subscribers.Connect("c2", new JsonHubProtocol());
        _subscribers.Watch("c1", "r1", maxPerConnection: 10);
        _subscribers.Watch("c2", "r1", maxPerConnection: 10);

        _subscribers.Unwatch("c1", "r1");
        Assert.True(_subscribers.IsWatched("r1"));

        _subscribers.Disconnected("c2");
        Assert.False(_subscribers.IsWatched("r1"));
        Assert.Equal(0, _subscribers.WatchedRequestCount);
    }

    [Fact]
    public void Watch_AtTheLimit_RefusedButTheSameIdAgainIsFine()
    {
        _subscribers.Connect("c1", new JsonHubProtocol());
        Assert.True(_subscribers.Watch("c1", "r1", maxPerConnection: 2));
        Assert.True(_subscribers.Watch("c1", "r2", maxPerConnection: 2));

        Assert.False(_subscribers.Watch("c1", "r3", maxPerConnection: 2));
        Assert.True(_subscribers.Watch("c1", "r2", maxPerConnection: 2));
        Assert.Equal((false, 2), (_subscribers.IsWatched("r3"), _subscribers.WatchedRequestCount));
    }

    [Fact]
    public async Task Watch_ConcurrentWatchAndUnwatch_NothingLeftBehind()
    {
        for (var c = 0; c < 4; c++)
        {
            _subscribers.Connect($"c{c}", new JsonHubProtocol());
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(c => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                _subscribers.Watch($"c{c}", "busy", maxPerConnection: 10);
                _subscribers.Unwatch($"c{c}", "busy");
            }
        })));

        Assert.False(_subscribers.IsWatched("busy"));
    }

    [Fact]
    public async Task FinishWrites_SubscriberStopsReading_DisconnectedAfterTheTimeoutWhileOthersAreServed()
    {
        var time = new FakeTimeProvider();
        var subscribers = HubSubscribersExtensions.NewSubscribers(time, TimeSpan.FromSeconds(5));
        var reading = subscribers.Subscribe("reading", new JsonHubProtocol());
        var stalled = subscribers.Subscribe("stalled", new JsonHubProtocol(), readerBehindBytes: 16); // one event fills it

        var send = subscribers.SendToFeedAsync(Failed("r1"));
        Assert.False(send.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(send.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await send.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, subscribers.DisconnectedSlow);
        await WhenCancelledAsync(stalled.Aborted);
        Assert.False(reading.Aborted.IsCancellationRequested);
        Assert.Equal(["r1"], reading.ReadInvocations().Select(RequestIdOf));
    }

    [Fact]
    public async Task FinishWrites_WatcherStopsReading_DisconnectedAfterTheTimeoutWhileTheFeedIsServed()
    {
        var time = new FakeTimeProvider();
        var subscribers = HubSubscribersExtensions.NewSubscribers(time, TimeSpan.FromSeconds(5));
        var dashboard = subscribers.Subscribe("dashboard", new JsonHubProtocol());
        var stalled = subscribers.Connect("stalled-app", new JsonHubProtocol(), readerBehindBytes: 16);
        subscribers.Watch("stalled-app", "r1", maxPerConnection: 10);

        var message = HubSubscribers.Serialize(Failed("r1"));
        subscribers.WriteToFeed([message], CancellationToken.None);
        subscribers.WriteToWatchers("r1", message, feedSubscribersToo: false, CancellationToken.None);
        subscribers.WriteToWatchers("r1", HubSubscribers.Serialize(Failed("r1")), feedSubscribersToo: false, CancellationToken.None);
        var send = subscribers.FinishWritesAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(send.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await send.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, subscribers.DisconnectedSlow); // once, though two of its writes were waiting
        await WhenCancelledAsync(stalled.Aborted);
        Assert.Equal(["r1"], dashboard.ReadInvocations().Select(RequestIdOf));
    }

    [Fact]
    public async Task FinishWrites_SlowSubscriberCatchesUpInTime_StaysConnected()
    {
        var time = new FakeTimeProvider();
        var subscribers = HubSubscribersExtensions.NewSubscribers(time, TimeSpan.FromSeconds(5));
        var slow = subscribers.Subscribe("slow", new JsonHubProtocol(), readerBehindBytes: 16);

        var send = subscribers.SendToFeedAsync(Failed("r1"));
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(["r1"], slow.ReadInvocations().Select(RequestIdOf)); // reading lets the write finish
        await send.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, subscribers.DisconnectedSlow);
        Assert.False(slow.Aborted.IsCancellationRequested);
    }

    [Fact]
    public void JoinFeedAndWatch_ConnectionNeverConnected_Ignored()
    {
        _subscribers.JoinFeed("unknown");
        _subscribers.Watch("unknown", "r1", maxPerConnection: 10);

        Assert.Equal((0, 0), (_subscribers.FeedCount, _subscribers.WatchedRequestCount));
    }

    [Fact]
    public void MethodName_NotAnAuditEvent_Throws()
    {
        Assert.Throws<ArgumentException>(() => HubSubscribers.MethodName("not an event"));
    }

    private static Task WriteToWatchersAsync(HubSubscribers subscribers, string requestId, object auditEvent, bool feedSubscribersToo)
    {
        subscribers.WriteToWatchers(requestId, HubSubscribers.Serialize(auditEvent), feedSubscribersToo, CancellationToken.None);
        return subscribers.FinishWritesAsync(CancellationToken.None);
    }

    private static async Task WhenCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = token.Register(() => cancelled.TrySetResult());
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static AuditStartedEvent Started(string requestId) =>
        new(requestId, "m", ResponseSize: 10, QueuedMs: 1, Timestamp: 1);

    private static AuditFailedEvent Failed(string requestId) =>
        new(requestId, "queue_full", "full", Skipped: false, 1);

    internal static string RequestIdOf(InvocationMessage message) => message.Arguments[0] switch
    {
        AuditStartedEvent e => e.RequestId,
        AuditCompleteEvent e => e.RequestId,
        AuditFailedEvent e => e.RequestId,
        var other => throw new InvalidOperationException($"Unexpected {other?.GetType().Name}."),
    };
}
