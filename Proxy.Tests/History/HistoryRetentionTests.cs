using TruthTable.Core.History;

namespace TruthTable.Tests.History;

public sealed class HistoryRetentionTests
{
    [Fact]
    public async Task RunOnceAsync_RowsPastMaxAge_DeletedInSmallBatches()
    {
        await using var history = await HistoryHarness.StartAsync(o => { o.MaxAge = TimeSpan.FromDays(1); o.RetentionBatchSize = 10; });
        var now = history.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await history.PublishAsync(Enumerable.Range(0, 35).Select(i => HistoryEvents.Complete($"old-{i}", timestamp: now - 86_400_000 - 1)).ToArray());
        await history.PublishAsync(Enumerable.Range(0, 5).Select(i => HistoryEvents.Complete($"new-{i}", timestamp: now - 86_400_000 + 1)).ToArray());

        var result = await history.Retention.RunOnceAsync(CancellationToken.None);

        Assert.Equal(new RetentionResult(DeletedByAge: 35, DeletedByCount: 0, Batches: 4), result);
        Assert.All(await history.AllAsync(), r => Assert.StartsWith("new-", r.RequestId));
        Assert.Equal(5, (await history.AllAsync()).Count);
    }

    [Fact]
    public async Task RunOnceAsync_ClockMovesOn_OutcomesAgeOut()
    {
        await using var history = await HistoryHarness.StartAsync(o => o.MaxAge = TimeSpan.FromHours(1));
        await history.PublishAsync(HistoryEvents.Complete("aging", timestamp: history.Time.GetUtcNow().ToUnixTimeMilliseconds()));

        Assert.Equal(0, (await history.Retention.RunOnceAsync(CancellationToken.None)).Deleted);
        history.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(1, (await history.Retention.RunOnceAsync(CancellationToken.None)).DeletedByAge);

        Assert.Empty(await history.AllAsync());
    }

    [Fact]
    public async Task RunOnceAsync_MoreThanMaxRows_OldestGoFirst()
    {
        await using var history = await HistoryHarness.StartAsync(o => { o.MaxRows = 10; o.RetentionBatchSize = 4; });
        await history.PublishAsync(Enumerable.Range(0, 25).Select(i => HistoryEvents.Complete($"r-{i:00}")).ToArray());

        var result = await history.Retention.RunOnceAsync(CancellationToken.None);

        Assert.Equal(new RetentionResult(0, 15, 4), result);
        Assert.Equal(Enumerable.Range(15, 10).Reverse().Select(i => $"r-{i:00}"), (await history.AllAsync()).Select(r => r.RequestId));
        Assert.Equal(0, (await history.Retention.RunOnceAsync(CancellationToken.None)).Deleted);
    }

    [Fact]
    public async Task RunOnceAsync_DeletedRows_LeaveTheTextIndexToo()
    {
        await using var history = await HistoryHarness.StartAsync(o => o.MaxRows = 1);
        await history.PublishAsync(
            HistoryEvents.Complete("gone", answer: "Utrecht has a famous cathedral tower."),
            HistoryEvents.Complete("kept", answer: "Utrecht is a city with a university."));

        await history.Retention.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["kept"], (await history.AllAsync(new AuditQuery { Text = "utrecht" })).Select(r => r.RequestId));
        Assert.Empty(await history.AllAsync(new AuditQuery { Text = "cathedral" }));
    }

    [Fact]
    public async Task RunOnceAsync_WhileWriterWrites_BothFinishAndNothingIsLost()
    {
        await using var history = await HistoryHarness.StartAsync(o => { o.MaxRows = 100; o.RetentionBatchSize = 50; o.BatchSize = 50; });
        await history.PublishAsync(Enumerable.Range(0, 2000).Select(i => HistoryEvents.Complete($"pre-{i}")).ToArray());

        var retention = Task.Run(() => history.Retention.RunOnceAsync(CancellationToken.None));
        for (var i = 0; i < 500; i++)
        {
            history.Sink.Publish(HistoryEvents.Complete($"during-{i}"));
        }

        await history.FlushAsync();
        var result = await retention.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2500, history.Queue.Written);
        Assert.Equal(0, history.Queue.FailedWrites);
        Assert.InRange(result.DeletedByCount, 1900, 2400);
        Assert.Equal("during-499", (await history.AllAsync()).First().RequestId);
    }
}
