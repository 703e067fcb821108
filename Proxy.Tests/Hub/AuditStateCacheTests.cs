using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Hub;

public sealed class AuditStateCacheTests
{
    private static AuditStateCache Create(int capacity = 100, long maxBytes = 64L * 1024 * 1024) =>
        new(Options.Create(new AuditHubOptions { RecentStates = capacity, RecentStatesMaxBytes = maxBytes }));

    [Fact]
    public void Publish_StartedThenComplete_FinalStateKeepsStart()
    {
        var cache = Create();
        var started = new AuditStartedEvent("r1", "m", 10, 1, 1);
        cache.Publish(new AuditEventEnvelope("r1", started));
        cache.Publish(new AuditEventEnvelope("r1", SampleEvents.Complete("r1")));

        var state = cache.Find("r1");

        Assert.Equal(AuditState.StatusComplete, state!.Status);
        Assert.Same(started, state.Started);
        Assert.True(state.IsFinal);
    }

    [Fact]
    public void Publish_LateStartedAfterFailure_DoesNotReplaceFinalState()
    {
        var cache = Create();
        cache.Publish(new AuditEventEnvelope("r1", new AuditFailedEvent("r1", "timeout", "x", false, 1)));
        cache.Publish(new AuditEventEnvelope("r1", new AuditStartedEvent("r1", "m", 1, 1, 1)));

        Assert.Equal(AuditState.StatusFailed, cache.Find("r1")!.Status);
    }

    [Fact]
    public void Publish_OverCapacity_ForgetsOldest()
    {
        var cache = Create(capacity: 3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            cache.Publish(new AuditEventEnvelope(id, new AuditStartedEvent(id, "m", 1, 1, 1)));
        }

        Assert.Null(cache.Find("a"));
        Assert.NotNull(cache.Find("d"));
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void Publish_TurnedAwayByFullQueue_FoundAsItsFailure_HeldOutsideTheStates()
    {
        var cache = Create();
        var failed = new AuditFailedEvent("r1", "queue_full", "The audit queue is full.", false, 42);

        cache.Publish(new AuditEventEnvelope("r1", failed, Uncaptured: true));

        var state = cache.Find("r1")!;
        Assert.Equal((AuditState.StatusFailed, true, null), (state.Status, state.IsFinal, state.Started));
        Assert.Equal(failed, state.Failed);
        Assert.Equal((0, 0L), (cache.Count, cache.Bytes));
        Assert.Null(cache.Find("r2"));
    }

    [Fact]
    public void Publish_TurnedAwayOverCapacity_ForgetsOldest_KeepsShutdownReason()
    {
        var cache = Create(capacity: 3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            cache.Publish(new AuditEventEnvelope(id, new AuditFailedEvent(id, id == "d" ? "shutdown" : "queue_full", "x", false, 1), Uncaptured: true));
        }

        Assert.Null(cache.Find("a"));
        Assert.Equal("queue_full", cache.Find("b")!.Failed!.Reason);
        Assert.Equal("shutdown", cache.Find("d")!.Failed!.Reason);
    }

    [Fact]
    public void Publish_TurnedAwayTwice_LatestKept()
    {
        var cache = Create(capacity: 2);
        cache.Publish(new AuditEventEnvelope("r1", new AuditFailedEvent("r1", "queue_full", "x", false, 1), Uncaptured: true));
        cache.Publish(new AuditEventEnvelope("r1", new AuditFailedEvent("r1", "queue_full", "x", false, 2), Uncaptured: true));
        cache.Publish(new AuditEventEnvelope("r2", new AuditFailedEvent("r2", "queue_full", "x", false, 3), Uncaptured: true));

        Assert.Equal(2, cache.Find("r1")!.Failed!.Timestamp); // one entry for r1, so r2 did not push it out
        Assert.NotNull(cache.Find("r2"));
    }

    [Fact]
    public void ForgetStored_OnlyTheStoredFinalState()
    {
        var cache = Create();
        var first = SampleEvents.Complete("r1");
        cache.Publish(new AuditEventEnvelope("r1", first));
        var newer = SampleEvents.Complete("r1");
        cache.Publish(new AuditEventEnvelope("r1", newer));
        cache.Publish(new AuditEventEnvelope("r2", new AuditStartedEvent("r2", "m", 1, 1, 1)));

        cache.ForgetStored("r1", first); // an older result of a reused id: the newer one stays
        cache.ForgetStored("r2", new object());
        Assert.Same(newer, cache.Find("r1")!.Complete);
        Assert.NotNull(cache.Find("r2"));

        cache.ForgetStored("r1", newer);
        Assert.Null(cache.Find("r1"));
        Assert.Equal(AuditEventSize.Of(cache.Find("r2")!), cache.Bytes);
    }

    [Fact]
    public void Publish_FeedOnlyEvents_Ignored()
    {
        var cache = Create();
        cache.Publish(new AuditEventEnvelope(null, new StatsUpdateEvent(1, 1, 0, 0, 1, 1, 1)));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Publish_LargeStatesOverByteBudget_ForgetsOldestAndStaysWithinBudget()
    {
        var cache = Create(capacity: 1000, maxBytes: 100_000);
        var big = SampleEvents.Complete("x") with { ReasoningTrace = new string('t', 20_000) }; // ~40 KB each

        for (var i = 0; i < 5; i++)
        {
            cache.Publish(new AuditEventEnvelope($"big-{i}", big with { RequestId = $"big-{i}" }));
        }

        Assert.InRange(cache.Bytes, 1, 100_000);
        Assert.Null(cache.Find("big-0"));
        Assert.NotNull(cache.Find("big-4"));
        Assert.Equal(2, cache.Count);
    }
}
