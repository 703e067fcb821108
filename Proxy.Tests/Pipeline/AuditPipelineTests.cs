using Grpc.Core;
using Moq;
using TruthTable.Audit.V1;
using TruthTable.Contracts;
using TruthTable.Core.Auditing;
using TruthTable.Core.Pipeline;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Pipeline;

public sealed class AuditPipelineTests
{
    private static AuditResult Completed(string requestId) => new()
    {
        AuditId = "audit-1", RequestId = requestId, Status = AuditStatus.Completed, FaithfulnessScore = 0.92f, Grade = TrustGrade.A,
        HallucinationDetected = false, ReasoningTrace = "1 claim, supported.",
        Claims = { new ClaimVerification { Claim = "Paris is the capital of France.", Status = VerificationStatus.Supported, Confidence = 0.97f, Evidence = { "Paris is the capital of France." } } },
    };

    [Fact]
    public async Task DirectJob_EngineCompletes_StartedThenCompleteForTheRequest()
    {
        await using var pipeline = new PipelineHarness();
        pipeline.EngineAnswers(Completed("r1"));
        await pipeline.StartAsync();

        Assert.True(pipeline.EnqueueDirect("r1"));
        var started = await pipeline.Clients.NextAsync<AuditStartedEvent>();
        var complete = await pipeline.Clients.NextAsync<AuditCompleteEvent>();

        Assert.Equal(("r1", "test-model"), (started.RequestId, started.Model));
        Assert.Equal(("r1", "audit-1", "A", 1), (complete.RequestId, complete.AuditId, complete.Grade, complete.SupportedClaims));
        lock (pipeline.PublishedFor)
        {
            Assert.Equal(["r1", "r1"], pipeline.PublishedFor);
        }

        Assert.Equal(AuditState.StatusComplete, pipeline.States.Find("r1")!.Status);
        pipeline.Grpc.Verify(c => c.SubmitAuditAsync(
            It.Is<AuditRequest>(r => r.RequestId == "r1" && r.Context.Count == 1 && r.Context[0].Id == "d1" && r.Provider == "upstream.test"),
            It.Is<Metadata>(m => AuditResultTrailer.IsAskedFor(m)), It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task DirectJob_EngineFails_StartedThenFailedEngineFailed()
    {
        await using var pipeline = new PipelineHarness();
        pipeline.Grpc.Setup(c => c.SubmitAuditAsync(It.IsAny<AuditRequest>(), It.IsAny<Metadata>(), It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()))
            .Returns(() => GrpcCalls.Failure<AuditSubmission>(StatusCode.Internal, "engine exploded"));
        await pipeline.StartAsync();

        pipeline.EnqueueDirect("r2");
        await pipeline.Clients.NextAsync<AuditStartedEvent>();
        var failed = await pipeline.Clients.NextAsync<AuditFailedEvent>();

        Assert.Equal(("r2", FailureReasons.EngineFailed, false), (failed.RequestId, failed.Reason, failed.Skipped));
    }

    [Fact]
    public async Task DirectJob_EngineTooSlow_FailsTimeout()
    {
        await using var pipeline = new PipelineHarness(o => o.Timeout = TimeSpan.FromMilliseconds(200));
        pipeline.Grpc.Setup(c => c.SubmitAuditAsync(It.IsAny<AuditRequest>(), It.IsAny<Metadata>(), It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()))
            .Returns(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a", Status = "processing" }));
        pipeline.Grpc.Setup(c => c.GetAuditResultAsync(It.IsAny<AuditResultRequest>(), null, It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()))
            .Returns(() => GrpcCalls.Success(new AuditResult { AuditId = "a", Status = AuditStatus.Processing }));
        await pipeline.StartAsync();

        pipeline.EnqueueDirect("r3");
        await pipeline.Clients.NextAsync<AuditStartedEvent>();
        var failed = await pipeline.Clients.NextAsync<AuditFailedEvent>();

        Assert.Equal(FailureReasons.Timeout, failed.Reason);
    }

    [Fact]
    public async Task ProxyNeedsTheCores_WorkerHoldsTheJob_AuditsItWhenCapacityReturns()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var pipeline = new PipelineHarness(o => (o.MaxHold, o.QueueCapacity) = (TimeSpan.FromMinutes(1), 2), clock);
        pipeline.EngineAnswers(Completed("held"));
        SpareCapacityGateTests.Feed(pipeline.Capacity, TimeSpan.FromMilliseconds(5));
        await pipeline.StartAsync();

        Assert.True(pipeline.EnqueueDirect("held"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.Clients.NextAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, pipeline.Queue.Depth);

        SpareCapacityGateTests.Feed(pipeline.Capacity, TimeSpan.Zero);
        var started = pipeline.Clients.NextAsync<AuditStartedEvent>();
        while (!started.IsCompleted)
        {
            clock.Advance(SpareCapacityGate.ProbeInterval); // until the worker's probe delay has seen it (far short of MaxHold)
            await Task.WhenAny(started, Task.Delay(50));
        }

        await started;
        Assert.Equal("held", (await pipeline.Clients.NextAsync<AuditCompleteEvent>()).RequestId);
        Assert.Equal(1, pipeline.Capacity.Holds);
    }

    [Fact]
    public async Task ProxyNeedsTheCores_ShortQueue_PausesOneProbeIntervalBeforeACapturedExchange()
    {
        // Capacity 10, one job: audits keep up, but while the cores are busy a worker still pauses, briefly: a cheap
        // audit that keeps up can take the cores as well as a slow one (the fake clock would never end a MaxHold).
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var pipeline = new PipelineHarness(o => o.MaxHold = TimeSpan.FromMinutes(1), clock);
        pipeline.EngineAnswers(Completed("short"));
        SpareCapacityGateTests.Feed(pipeline.Capacity, TimeSpan.FromMilliseconds(5));
        await pipeline.StartAsync();

        Assert.True(pipeline.EnqueueCaptured("short"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.Clients.NextAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, pipeline.Capacity.Holds);

        var started = pipeline.Clients.NextAsync<AuditStartedEvent>();
        while (!started.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1)); // the cores stay busy; only the short pause ends
            await Task.WhenAny(started, Task.Delay(20));
        }

        await started;
        Assert.True(clock.GetUtcNow() - clock.Start >= AuditWorkerPool.ShortQueuePause);
        Assert.True(clock.GetUtcNow() - clock.Start < TimeSpan.FromSeconds(1));
        Assert.True(pipeline.Capacity.IsBusy);
        Assert.Equal("short", (await pipeline.Clients.NextAsync<AuditCompleteEvent>()).RequestId);
    }

    [Fact]
    public async Task ProxyNeedsTheCores_ShortQueueOfDirectAudits_NotPaused()
    {
        // With no proxied exchange waiting, the busy cores are likely the audits' own (the fake clock never moves).
        await using var pipeline = new PipelineHarness(o => o.MaxHold = TimeSpan.FromMinutes(1), new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        pipeline.EngineAnswers(Completed("direct"));
        SpareCapacityGateTests.Feed(pipeline.Capacity, TimeSpan.FromMilliseconds(5));
        await pipeline.StartAsync();

        pipeline.EnqueueDirect("direct");

        await pipeline.Clients.NextAsync<AuditStartedEvent>();
        Assert.Equal("direct", (await pipeline.Clients.NextAsync<AuditCompleteEvent>()).RequestId);
        Assert.True(pipeline.Capacity.IsBusy);
        Assert.Equal(0, pipeline.Capacity.Holds);
    }

    [Fact]
    public async Task ProxyNeedsTheCores_ShutdownDrainsWithoutHolding()
    {
        await using var pipeline = new PipelineHarness(o => (o.MaxHold, o.QueueCapacity) = (TimeSpan.FromMinutes(1), 2), new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        pipeline.EngineAnswers(Completed("drained"));
        SpareCapacityGateTests.Feed(pipeline.Capacity, TimeSpan.FromMilliseconds(5));
        await pipeline.StartAsync();
        pipeline.EnqueueDirect("drained");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (pipeline.Capacity.Holds == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10); // until the worker holds the job; the fake clock never ends the hold
        }
        Assert.Equal(1, pipeline.Capacity.Holds);

        await pipeline.Workers.StopAsync(CancellationToken.None);

        await pipeline.Clients.NextAsync<AuditStartedEvent>();
        Assert.Equal("drained", (await pipeline.Clients.NextAsync<AuditCompleteEvent>()).RequestId);
    }

    [Fact]
    public async Task Enqueue_QueueFull_DropsAndRaisesQueueFull()
    {
        await using var pipeline = new PipelineHarness(o => o.QueueCapacity = 2);
        // Workers not started: the queue fills up.

        Assert.True(pipeline.EnqueueDirect("q1"));
        Assert.True(pipeline.EnqueueDirect("q2"));
        Assert.False(pipeline.EnqueueDirect("q3"));

        var failed = await pipeline.Clients.NextAsync<AuditFailedEvent>();
        Assert.Equal(("q3", FailureReasons.QueueFull, false), (failed.RequestId, failed.Reason, failed.Skipped));
    }

    [Fact]
    public async Task Stop_JobsInFlightAndQueued_AllFailWithShutdownAfterDrainWindow()
    {
        var pipeline = new PipelineHarness(o =>
        {
            o.Workers = 1;
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
        });
        var submitted = new TaskCompletionSource();
        pipeline.Grpc.Setup(c => c.SubmitAuditAsync(It.IsAny<AuditRequest>(), It.IsAny<Metadata>(), It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()))
            .Returns((AuditRequest _, Metadata _, DateTime? _, CancellationToken ct) =>
            {
                submitted.TrySetResult();
                return GrpcCalls.From(async () =>
                {
                    await Task.Delay(Timeout.Infinite, ct); // an engine that never answers
                    return new AuditSubmission();
                });
            });
        await pipeline.StartAsync();
        pipeline.EnqueueDirect("s1");
        pipeline.EnqueueDirect("s2");
        pipeline.EnqueueDirect("s3");
        await submitted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await pipeline.DisposeAsync();

        var outcomes = new Dictionary<string, string>();
        while (outcomes.Count < 3)
        {
            var (_, e) = await pipeline.Clients.NextAsync();
            if (e is AuditFailedEvent failed)
            {
                outcomes[failed.RequestId] = failed.Reason;
            }
        }

        Assert.Equal(["shutdown", "shutdown", "shutdown"], new[] { outcomes["s1"], outcomes["s2"], outcomes["s3"] });
        Assert.False(pipeline.EnqueueDirect("s4"));
    }

    [Fact]
    public async Task Stop_AfterDispose_StillFailsWhatIsQueued()
    {
        await using var pipeline = new PipelineHarness();
        pipeline.EnqueueDirect("queued");

        pipeline.Workers.Dispose(); // a host may dispose its services before it has stopped them
        await pipeline.Workers.StopAsync(CancellationToken.None);

        var (_, e) = await pipeline.Clients.NextAsync();
        Assert.Equal(("queued", "shutdown"), (((AuditFailedEvent)e).RequestId, ((AuditFailedEvent)e).Reason));
    }
}
