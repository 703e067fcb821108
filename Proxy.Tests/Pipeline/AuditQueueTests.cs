using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Extraction;
using TruthTable.Core.Pipeline;

namespace TruthTable.Tests.Pipeline;

public sealed class AuditQueueTests
{
    private sealed class RecordingSink : IAuditEventSink
    {
        public List<AuditFailedEvent> Failed { get; } = [];

        public List<bool> Uncaptured { get; } = [];

        public void Publish(AuditEventEnvelope envelope)
        {
            if (envelope.Event is AuditFailedEvent failed)
            {
                Failed.Add(failed);
                Uncaptured.Add(envelope.Uncaptured);
            }
        }
    }

    private readonly RecordingSink _sink = new();
    private readonly AuditQueue _queue;

    public AuditQueueTests() =>
        _queue = new AuditQueue(Options.Create(new AuditOptions { QueueCapacity = 2 }), new AuditEventBroadcaster([_sink]), TimeProvider.System);

    private static AuditJob Job(string requestId) =>
        AuditJob.ForDirectAudit(requestId, new AuditableExchange("m", "q", "a", []), 0);

    [Fact]
    public void Reservations_CountTowardCapacity_ButNotTowardDepth()
    {
        Assert.True(_queue.TryReserve());
        Assert.True(_queue.TryReserve());

        Assert.False(_queue.TryReserve());
        Assert.False(_queue.HasRoom);
        Assert.Equal((0, 2), (_queue.Depth, _queue.Reserved));
    }

    [Fact]
    public void FullOfReservations_DirectJobRefusedAsQueueFull()
    {
        Assert.True(_queue.TryReserve());
        Assert.True(_queue.TryReserve());

        Assert.False(_queue.TryEnqueue(Job("direct")));

        var failed = Assert.Single(_sink.Failed);
        Assert.Equal(("direct", FailureReasons.QueueFull), (failed.RequestId, failed.Reason));
        Assert.False(Assert.Single(_sink.Uncaptured)); // a job that was built, so the history keeps its row
    }

    [Fact]
    public void RejectUncaptured_MarkedUncaptured()
    {
        _queue.RejectUncaptured("turned-away", "/v1/chat/completions", 200);

        Assert.Equal(FailureReasons.QueueFull, Assert.Single(_sink.Failed).Reason);
        Assert.True(Assert.Single(_sink.Uncaptured));
    }

    [Fact]
    public void ReservedSlot_AlwaysTakesItsJob_EvenAfterOthersFilledTheRest()
    {
        Assert.True(_queue.TryReserve());
        Assert.True(_queue.TryEnqueue(Job("other")));
        Assert.False(_queue.TryEnqueue(Job("refused")));

        Assert.True(_queue.EnqueueReserved(Job("reserved")));

        Assert.Equal((2, 0), (_queue.Depth, _queue.Reserved));
        Assert.Equal("refused", Assert.Single(_sink.Failed).RequestId);
    }

    [Fact]
    public void Dequeue_FreesTheSlot()
    {
        Assert.True(_queue.TryEnqueue(Job("a")));
        Assert.True(_queue.TryEnqueue(Job("b")));
        Assert.False(_queue.HasRoom);

        Assert.True(_queue.TryDequeue(out var job));

        Assert.Equal("a", job.RequestId);
        Assert.True(_queue.TryReserve());
        Assert.Equal((1, 1), (_queue.Depth, _queue.Reserved));
    }

    [Fact]
    public void ReservedJobAfterShutdown_ReportedAsShutdown_AndItsSlotReleased()
    {
        Assert.True(_queue.TryReserve());
        _queue.Complete();

        Assert.False(_queue.EnqueueReserved(Job("late")));

        var failed = Assert.Single(_sink.Failed);
        Assert.Equal(("late", FailureReasons.Shutdown), (failed.RequestId, failed.Reason));
        Assert.Equal((0, 0), (_queue.Depth, _queue.Reserved));
        Assert.True(_queue.HasRoom);
    }

    [Theory]
    [InlineData(8, 2)]
    [InlineData(2, 1)]
    public void FallingBehind_FromAQuarterOfTheQueueWaiting_AtLeastOneJob(int capacity, int quarter)
    {
        var queue = new AuditQueue(Options.Create(new AuditOptions { QueueCapacity = capacity }), new AuditEventBroadcaster([]), TimeProvider.System);
        Assert.True(queue.TryReserve()); // an exchange being captured does not count: it is not waiting yet
        for (var i = 1; i < quarter; i++)
        {
            Assert.True(queue.TryEnqueue(Job($"r-{i}")));
        }

        var below = queue.FallingBehind;
        Assert.True(queue.TryEnqueue(Job("last")));
        var at = queue.FallingBehind;
        Assert.True(queue.TryDequeue(out var taken));
        taken.Dispose();

        Assert.Equal((false, true, false), (below, at, queue.FallingBehind));
    }

    [Fact]
    public async Task ConcurrentReservations_NeverExceedCapacity()
    {
        var queue = new AuditQueue(Options.Create(new AuditOptions { QueueCapacity = 100 }), new AuditEventBroadcaster([]), TimeProvider.System);
        var granted = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (queue.TryReserve())
                {
                    Interlocked.Increment(ref granted);
                }
            }
        })));

        Assert.Equal(100, granted);
        Assert.Equal(100, queue.Reserved);
    }
}
