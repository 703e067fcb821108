using System.Text;
using Microsoft.Extensions.Logging;
using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.History;
using TruthTable.Core.Pipeline;
using TruthTable.Tests.Pipeline;

namespace TruthTable.Tests.History;

public sealed class AuditHistoryWriterTests
{
    [Fact]
    public async Task Publish_CompleteAfterStarted_StoresResultTimingsAndClaims()
    {
        await using var history = await HistoryHarness.StartAsync();

        await history.PublishAsync(
            HistoryEvents.Started("r1", timestamp: HistoryEvents.T0, queuedMs: 7),
            HistoryEvents.Complete("r1", grade: "B", score: 0.8, hallucinated: true, timestamp: HistoryEvents.T0 + 250, engineMs: 40));

        var record = await history.Reader.FindLatestAsync("r1", CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal(AuditOutcomes.Complete, record.Outcome);
        Assert.Equal(("B", 0.8, true, "partially_faithful"), (record.Grade, record.TrustScore!.Value, record.HallucinationDetected!.Value, record.Verdict));
        Assert.Equal(("/v1/chat/completions", 200, "gpt-test"), (record.Route, record.UpstreamStatus!.Value, record.Model));
        Assert.Equal((7L, 250L, 257L, 40L), (record.QueuedMs!.Value, record.AuditMs!.Value, record.LatencyMs!.Value, record.EngineMs!.Value));
        Assert.Equal((HistoryEvents.T0, HistoryEvents.T0 + 250), (record.StartedAt!.Value, record.FinishedAt));
        Assert.Equal(321L, record.ResponseSize);
        Assert.Equal(2, record.Claims!.Count);
        Assert.Equal(("supported", 0.9, 1), (record.Claims[0].Status, record.Claims[0].Confidence, record.Claims[0].EvidenceCount));
        Assert.Equal(["Amsterdam is the capital of the Netherlands."], record.Claims[0].Evidence!);
        Assert.Equal("unsupported", record.Claims[1].Status);
        Assert.Equal(3L, record.StepTimings!["verify"]);
        Assert.Equal("What is the capital of the Netherlands?", record.Question);
        Assert.Equal("messages[0]", Assert.Single(record.Context!).Id);
        Assert.True(record.TextStored);
    }

    [Fact]
    public async Task Publish_FailedAndSkipped_StoredWithReasonAndUpstreamStatus()
    {
        await using var history = await HistoryHarness.StartAsync();

        await history.PublishAsync(
            HistoryEvents.Failed("f1", reason: "timeout"),
            HistoryEvents.Failed("s1", reason: "upstream_status", skipped: true, upstreamStatus: 503));

        var failed = (await history.Reader.FindLatestAsync("f1", CancellationToken.None))!;
        var skipped = (await history.Reader.FindLatestAsync("s1", CancellationToken.None))!;
        Assert.Equal((AuditOutcomes.Failed, "timeout"), (failed.Outcome, failed.Reason));
        Assert.Equal((AuditOutcomes.Skipped, "upstream_status", 503), (skipped.Outcome, skipped.Reason, skipped.UpstreamStatus!.Value));
        Assert.Null(skipped.Grade);
    }

    [Fact]
    public async Task Publish_QueueFullUncaptured_CountedNotStored_QueueFullOfACapturedJobStored()
    {
        await using var history = await HistoryHarness.StartAsync();

        await history.PublishAsync(
            HistoryEvents.Failed("turned-away", reason: FailureReasons.QueueFull) with { Uncaptured = true },
            HistoryEvents.Failed("direct-refused", reason: FailureReasons.QueueFull),
            HistoryEvents.Complete("audited"));

        Assert.Equal(["audited", "direct-refused"], (await history.AllAsync()).Select(a => a.RequestId).Order());
        Assert.Equal((1L, 0L), (history.Queue.Snapshot().QueueFullNotStored, history.Queue.Dropped));
    }

    [Fact]
    public async Task Written_RecentStatesLetGoOfWhatTheHistoryHoldsWhole()
    {
        await using var history = await HistoryHarness.StartAsync();
        var complete = HistoryEvents.Complete("done");
        var failed = HistoryEvents.Failed("failed");
        var started = HistoryEvents.Started("running");
        foreach (var envelope in new[] { complete, failed, started })
        {
            history.RecentStates.Publish(envelope);
        }

        await history.PublishAsync(complete, failed, started);

        Assert.Null(history.RecentStates.Find("done"));
        Assert.Null(history.RecentStates.Find("failed"));
        Assert.Equal(AuditState.StatusStarted, history.RecentStates.Find("running")!.Status);
        Assert.Equal(0, history.RecentStates.Bytes - AuditEventSize.Of(history.RecentStates.Find("running")!));
        var stored = AuditRecordMapper.ToState((await history.Reader.FindLatestAsync("done", CancellationToken.None))!);
        Assert.Equal(((AuditCompleteEvent)complete.Event).Verifications.Select(v => v.Claim), stored.Complete!.Verifications.Select(v => v.Claim));
    }

    [Fact]
    public async Task Written_StoreTextOff_RecentStatesKeepTheFullResult()
    {
        await using var history = await HistoryHarness.StartAsync(o => o.StoreText = false);
        var complete = HistoryEvents.Complete("done");
        var failed = HistoryEvents.Failed("failed");
        history.RecentStates.Publish(complete);
        history.RecentStates.Publish(failed);

        await history.PublishAsync(complete, failed);

        Assert.Same(complete.Event, history.RecentStates.Find("done")!.Complete); // the row has no claims to rebuild it from
        Assert.Null(history.RecentStates.Find("failed"));
    }

    [Fact]
    public async Task ProxyNeedsTheCores_RowsHeldUntilCapacityReturns()
    {
        await using var history = await HistoryHarness.StartAsync();
        SpareCapacityGateTests.Feed(history.Capacity, TimeSpan.FromMilliseconds(5));

        history.Sink.Publish(HistoryEvents.Failed("h1"));
        history.Sink.Publish(HistoryEvents.Failed("h2"));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (history.Capacity.Holds == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10); // until the writer holds; the fake clock never ends a hold
        }
        Assert.Equal(1, history.Capacity.Holds);
        Assert.Equal(0, history.Queue.Written);

        SpareCapacityGateTests.Feed(history.Capacity, TimeSpan.Zero);
        var flushed = history.FlushAsync();
        // The writer counts its hold before it starts the probe delay: step the clock until the delay has seen it,
        // staying short of MaxBatchHold so that only the capacity coming back can have ended the hold.
        var held = TimeSpan.Zero;
        while (!flushed.IsCompleted && held + SpareCapacityGate.ProbeInterval < AuditHistoryWriter.MaxBatchHold)
        {
            history.Time.Advance(SpareCapacityGate.ProbeInterval);
            held += SpareCapacityGate.ProbeInterval;
            await Task.WhenAny(flushed, Task.Delay(50));
        }

        await flushed;
        Assert.Equal(["h1", "h2"], (await history.AllAsync()).Select(a => a.RequestId).Order());
    }

    [Fact]
    public async Task ProxyNeedsTheCores_BatchHeldAtMostMaxBatchHold_HoweverLongAuditsAreHeld()
    {
        await using var history = await HistoryHarness.StartAsync(configureAudit: o => o.MaxHold = TimeSpan.FromMinutes(1));
        SpareCapacityGateTests.Feed(history.Capacity, TimeSpan.FromMilliseconds(5));

        history.Sink.Publish(HistoryEvents.Failed("m1"));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (history.Queue.Written == 0 && DateTime.UtcNow < deadline)
            {
                history.Time.Advance(AuditHistoryWriter.MaxBatchHold); // ends the hold once the writer is in it, then the batch window
                await Task.Delay(10);
            }

            Assert.True(history.Capacity.IsBusy); // the hold ended by time, not because the cores were free
            Assert.Equal(1, history.Capacity.Holds);
            Assert.Equal(1, history.Queue.Written);
            Assert.True(history.Time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(HistoryEvents.T0) < TimeSpan.FromMinutes(1));
        }
        finally
        {
            // Lets a writer still held go, so the harness can stop it.
            SpareCapacityGateTests.Feed(history.Capacity, TimeSpan.Zero);
            history.Time.Advance(SpareCapacityGate.ProbeInterval);
        }
    }

    [Fact]
    public async Task ProxyNeedsTheCores_BacklogPastHalfTheQueue_WrittenWithoutHold()
    {
        await using var history = await HistoryHarness.StartAsync(o => { o.QueueCapacity = 4; o.BatchWindow = TimeSpan.Zero; }, startWriter: false);
        SpareCapacityGateTests.Feed(history.Capacity, TimeSpan.FromMilliseconds(5));
        history.Sink.Publish(HistoryEvents.Failed("b1"));
        history.Sink.Publish(HistoryEvents.Failed("b2"));

        await history.StartWriterAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (history.Queue.Written < 2 && history.Capacity.Holds == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10); // until written, or held (the fake clock never ends a hold)
            }

            Assert.True(history.Capacity.IsBusy);
            Assert.Equal(0, history.Capacity.Holds);
            Assert.Equal(2, history.Queue.Written);
        }
        finally
        {
            // Lets a held writer go, so the harness can stop it.
            SpareCapacityGateTests.Feed(history.Capacity, TimeSpan.Zero);
            history.Time.Advance(SpareCapacityGate.ProbeInterval);
        }
    }

    [Fact]
    public async Task Publish_StartedAndFeedEventsOnly_StoresNothing()
    {
        await using var history = await HistoryHarness.StartAsync();

        await history.PublishAsync(
            HistoryEvents.Started("only-started"),
            new(null, new HealthUpdateEvent("healthy", "closed", 0, 10, 0, 1)),
            new(null, new StatsUpdateEvent(0, 0, 0, 0, 0, 0, 1)));

        Assert.Empty(await history.AllAsync());
        Assert.Equal(0, history.Queue.Written);
    }

    [Fact]
    public async Task Publish_StoreTextOff_KeepsVerdictsButNoText()
    {
        await using var history = await HistoryHarness.StartAsync(o => o.StoreText = false);
        const string answer = "Zanzibar-unique-answer is the capital of the Netherlands.";

        await history.PublishAsync(HistoryEvents.Complete("t1", answer: answer, question: "Quokka-unique-question?"));
        await history.StopWriterAsync();

        var record = (await history.Reader.FindLatestAsync("t1", CancellationToken.None))!;
        Assert.False(record.TextStored);
        Assert.Equal((null, null, null, null), (record.Question, record.Answer, record.Context, record.ReasoningTrace));
        Assert.All(record.Claims!, c => Assert.Equal((null, null, null), (c.Claim, c.Evidence, c.Reasoning)));
        Assert.Equal(("A", 1), (record.Grade, record.Claims![0].EvidenceCount));
        Assert.Empty(await history.AllAsync(new AuditQuery { Text = "Zanzibar" }));
        var bytes = Encoding.UTF8.GetString(File.ReadAllBytes(history.FilePath));
        Assert.DoesNotContain("Zanzibar", bytes);
        Assert.DoesNotContain("Quokka", bytes);
        Assert.DoesNotContain("Rotterdam", bytes); // the context
    }

    [Fact]
    public async Task Publish_MemoryBudgetSpent_StoresOutcomeWithoutTextThenDropsAndCounts()
    {
        var bigQuestion = new string('q', 3000) + " What is the capital?";
        await using var history = await HistoryHarness.StartAsync(o => o.MaxQueuedBytes = 10 * 1024, startWriter: false);

        history.Sink.Publish(HistoryEvents.Complete("fits", question: bigQuestion));
        var heldByFirst = history.Queue.QueuedBytes;
        history.Sink.Publish(HistoryEvents.Complete("over", question: bigQuestion));
        var heldByTwo = history.Queue.QueuedBytes;
        for (var i = 0; i < 10; i++)
        {
            history.Sink.Publish(HistoryEvents.Complete($"more-{i}", question: bigQuestion));
        }

        Assert.InRange(heldByFirst, 6000, 10 * 1024);
        Assert.InRange(heldByTwo - heldByFirst, 1, 2000); // the second holds its event, not its text
        Assert.True(history.Queue.Snapshot().TextDropped >= 1);
        Assert.True(history.Queue.Dropped >= 1);
        Assert.InRange(history.Queue.QueuedBytes, 0, 10 * 1024);
        await history.StartWriterAsync();
        await history.FlushAsync();
        Assert.Equal(0, history.Queue.QueuedBytes);
        var fits = (await history.Reader.FindLatestAsync("fits", CancellationToken.None))!;
        var over = (await history.Reader.FindLatestAsync("over", CancellationToken.None))!;
        Assert.Equal((true, bigQuestion), (fits.TextStored, fits.Question));
        Assert.Equal((false, null, "A"), (over.TextStored, over.Question, over.Grade));
    }

    [Fact]
    public async Task Publish_BacklogFull_DropsCountsAndWarnsOncePerInterval()
    {
        await using var history = await HistoryHarness.StartAsync(o => { o.QueueCapacity = 16; o.BatchSize = 16; }, startWriter: false);

        for (var i = 0; i < 20; i++)
        {
            history.Sink.Publish(HistoryEvents.Complete($"burst-{i}"));
        }

        Assert.Equal(4, history.Queue.Dropped);
        Assert.Equal(new HistoryHealth(16, 16, 4, 0), history.Queue.Snapshot());
        var warning = Assert.Single(history.SinkLog.Entries);
        Assert.Equal((LogLevel.Warning, 5101), (warning.Level, warning.EventId.Id));
        Assert.Contains("burst-16", warning.Message);

        history.Time.Advance(TimeSpan.FromSeconds(11));
        history.Sink.Publish(HistoryEvents.Complete("burst-late"));

        Assert.Equal(2, history.SinkLog.Entries.Count);
        Assert.Contains("5 dropped", history.SinkLog.Entries.Last().Message);
    }

    [Fact]
    public async Task StopAsync_BacklogWaitingForBatchWindow_WritesEverythingFirst()
    {
        // A long window and big batches: without the flush on stop these rows would still be waiting.
        await using var history = await HistoryHarness.StartAsync(o => { o.BatchWindow = TimeSpan.FromSeconds(5); o.BatchSize = 10_000; });
        for (var i = 0; i < 1000; i++)
        {
            history.Sink.Publish(HistoryEvents.Complete($"stop-{i}"));
        }

        await history.StopWriterAsync();

        Assert.Equal(1000, history.Queue.Written);
        Assert.Equal(0, history.Queue.Depth);
        var newest = await history.Reader.ListAsync(new AuditQuery { Limit = 1 }, CancellationToken.None);
        Assert.Equal("stop-999", Assert.Single(newest.Items).RequestId);
    }

    [Fact]
    public async Task Publish_AfterWriterStopped_CountedAsDropped()
    {
        await using var history = await HistoryHarness.StartAsync();
        await history.StopWriterAsync();

        history.Sink.Publish(HistoryEvents.Complete("too-late"));

        Assert.Equal(1, history.Queue.Dropped);
    }

    [Fact]
    public async Task Publish_ManyOutcomes_WrittenInBatchesOfAtMostBatchSize()
    {
        await using var history = await HistoryHarness.StartAsync(o => o.BatchSize = 64, startWriter: false);
        for (var i = 0; i < 1000; i++)
        {
            history.Sink.Publish(HistoryEvents.Complete($"b-{i}"));
        }

        Assert.Equal(1000, history.Queue.PeakDepth);
        await history.StartWriterAsync();
        await history.FlushAsync();

        Assert.Equal(1000, history.Queue.Written);
        Assert.Equal(16, history.Queue.Batches); // 15 full batches of 64 and one of 40
        Assert.Equal(1000, (await history.Reader.StatsAsync("1h", TimeSpan.FromHours(1), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task RowTheDatabaseRejects_FailsItsWholeBatch_CountedAndTheNextBatchIsWritten()
    {
        await using var history = await HistoryHarness.StartAsync();
        using (var connection = history.Database.OpenConnection())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                CREATE TRIGGER reject_poison BEFORE INSERT ON audits WHEN new.request_id = 'poison'
                BEGIN SELECT RAISE(ABORT, 'rejected by the test'); END;
                """;
            command.ExecuteNonQuery();
        }

        // Rows go in as they arrive, so the rejected one meets rows already inserted in the open batch.
        await history.PublishAsync(HistoryEvents.Complete("before"), HistoryEvents.Complete("poison"), HistoryEvents.Complete("after"));
        var failed = history.Queue.FailedWrites;
        await history.PublishAsync(HistoryEvents.Complete("next"));

        Assert.Equal(3, failed);
        Assert.Equal(1, history.Queue.Written);
        Assert.Equal("next", Assert.Single(await history.AllAsync()).RequestId);
    }

    [Fact]
    public async Task StopAsync_TimeoutWithABatchTakenButNotWritten_CountsItsRowsAsFailed()
    {
        await using var history = await HistoryHarness.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        await history.Database.WriteGate.WaitAsync(); // retention, say, holds the database: the batch cannot be written
        history.Sink.Publish(HistoryEvents.Complete("held-1"));
        history.Sink.Publish(HistoryEvents.Complete("held-2"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (history.Queue.Depth > 0) // the writer takes both rows into its batch, then waits for the gate
        {
            Assert.True(DateTime.UtcNow < deadline, "The writer did not take the rows within 10 s.");
            await Task.Delay(10);
        }

        var stopping = history.StopWriterAsync();
        while (!stopping.IsCompleted)
        {
            history.Time.Advance(TimeSpan.FromSeconds(1)); // the shutdown wait runs on the fake clock
            await Task.WhenAny(stopping, Task.Delay(10));
        }

        await stopping;
        history.Database.WriteGate.Release();

        Assert.Equal(0, history.Queue.Written);
        Assert.Equal(2, history.Queue.FailedWrites); // not lost silently
    }
}
