using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Time.Testing;
using TruthTable.Contracts;
using TruthTable.Core.Hub;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Hub;

public sealed class FeedSubscribersTests
{
    private readonly FeedSubscribers _feed = FeedSubscribersExtensions.NewFeed();

    [Fact]
    public async Task SendAsync_Batch_ReachesEachSubscriberInOrderAsOneWrite()
    {
        var subscriber = _feed.Subscribe("c1", new JsonHubProtocol());

        await _feed.SendAsync(Serialized(Started("r1"), SampleEvents.Complete("r1"), Failed("r2")), CancellationToken.None);

        var received = subscriber.ReadInvocations();
        Assert.Equal(
            [nameof(IAuditClient.AuditStarted), nameof(IAuditClient.AuditComplete), nameof(IAuditClient.AuditFailed)],
            received.Select(m => m.Target));
        Assert.Equal(["r1", "r1", "r2"], received.Select(RequestIdOf));
        Assert.Equal(1, subscriber.Flushes);
    }

    [Fact]
    public async Task SendAsync_JsonAndMessagePackSubscribers_EachGetsItsOwnEncoding()
    {
        var json = _feed.Subscribe("json", new JsonHubProtocol());
        var messagePack = _feed.Subscribe("msgpack", new MessagePackHubProtocol());

        await _feed.SendAsync(Serialized(Started("r1"), SampleEvents.Complete("r1")), CancellationToken.None);

        foreach (var subscriber in new[] { json, messagePack })
        {
            var received = subscriber.ReadInvocations();
            Assert.Equal(["r1", "r1"], received.Select(RequestIdOf));
            Assert.IsType<AuditCompleteEvent>(received[1].Arguments[0]);
            Assert.Equal(1, subscriber.Flushes);
        }
    }

    [Fact]
    public async Task SendAsync_AfterLeave_NothingMoreForThatConnection()
    {
        var staying = _feed.Subscribe("staying", new JsonHubProtocol());
        var leaving = _feed.Subscribe("leaving", new JsonHubProtocol());
        await _feed.SendAsync(Serialized(Failed("r1")), CancellationToken.None);

        _feed.Leave("leaving");
        await _feed.SendAsync(Serialized(Failed("r2")), CancellationToken.None);

        Assert.Equal(["r1", "r2"], staying.ReadInvocations().Select(RequestIdOf));
        Assert.Equal(["r1"], leaving.ReadInvocations().Select(RequestIdOf));
        Assert.Equal(1, _feed.Count);
    }

    [Fact]
    public async Task Disconnected_Subscriber_LeavesTheFeedAndCannotRejoin()
    {
        var gone = _feed.Subscribe("gone", new JsonHubProtocol());

        _feed.Disconnected("gone");
        _feed.Join("gone"); // a late SubscribeToFeed of a connection already closed
        await _feed.SendAsync(Serialized(Failed("r1")), CancellationToken.None);

        Assert.Equal(0, _feed.Count);
        Assert.Empty(gone.ReadInvocations());
    }

    [Fact]
    public async Task SendAsync_SubscriberStopsReading_DisconnectedAfterTheTimeoutWhileOthersAreServed()
    {
        var time = new FakeTimeProvider();
        var feed = FeedSubscribersExtensions.NewFeed(time, TimeSpan.FromSeconds(5));
        var reading = feed.Subscribe("reading", new JsonHubProtocol());
        var stalled = feed.Subscribe("stalled", new JsonHubProtocol(), readerBehindBytes: 16); // one event fills it

        var send = feed.SendAsync(Serialized(Failed("r1")), CancellationToken.None);
        Assert.False(send.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(send.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await send.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, feed.DisconnectedSlow);
        await WhenCancelledAsync(stalled.Aborted);
        Assert.False(reading.Aborted.IsCancellationRequested);
        Assert.Equal(["r1"], reading.ReadInvocations().Select(RequestIdOf));
    }

    [Fact]
    public async Task SendAsync_SlowSubscriberCatchesUpInTime_StaysConnected()
    {
        var time = new FakeTimeProvider();
        var feed = FeedSubscribersExtensions.NewFeed(time, TimeSpan.FromSeconds(5));
        var slow = feed.Subscribe("slow", new JsonHubProtocol(), readerBehindBytes: 16);

        var send = feed.SendAsync(Serialized(Failed("r1")), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(["r1"], slow.ReadInvocations().Select(RequestIdOf)); // reading lets the write finish
        await send.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, feed.DisconnectedSlow);
        Assert.False(slow.Aborted.IsCancellationRequested);
    }

    [Fact]
    public void Join_ConnectionNeverConnected_Ignored()
    {
        _feed.Join("unknown");

        Assert.Equal(0, _feed.Count);
    }

    [Fact]
    public void MethodName_NotAnAuditEvent_Throws()
    {
        Assert.Throws<ArgumentException>(() => FeedSubscribers.MethodName("not an event"));
    }

    private static async Task WhenCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = token.Register(() => cancelled.TrySetResult());
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static List<SerializedHubMessage> Serialized(params object[] events) =>
        events.Select(FeedSubscribers.Serialize).ToList();

    private static AuditStartedEvent Started(string requestId) =>
        new(requestId, "m", ResponseSize: 10, QueuedMs: 1, Timestamp: 1);

    private static AuditFailedEvent Failed(string requestId) =>
        new(requestId, "queue_full", "full", Skipped: false, 1);

    private static string RequestIdOf(InvocationMessage message) => message.Arguments[0] switch
    {
        AuditStartedEvent e => e.RequestId,
        AuditCompleteEvent e => e.RequestId,
        AuditFailedEvent e => e.RequestId,
        var other => throw new InvalidOperationException($"Unexpected {other?.GetType().Name}."),
    };
}
