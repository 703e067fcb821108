using TruthTable.Host.EmbeddedEngine;

namespace TruthTable.Tests.EmbeddedEngine;

public sealed class EngineThreadsTests
{
    [Fact]
    public async Task RunAsync_ManyCallsFromManyThreads_EachRunsOnceOnAnEngineThread()
    {
        using var threads = new EngineThreads(2);
        var ranOn = new System.Collections.Concurrent.ConcurrentBag<string?>();

        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => threads.RunAsync(() =>
        {
            ranOn.Add(Thread.CurrentThread.Name);
            return Task.FromResult(i);
        }))));

        Assert.Equal(Enumerable.Range(0, 500), results);
        Assert.Equal(500, ranOn.Count);
        Assert.All(ranOn, name => Assert.StartsWith("embedded-engine-", name));
    }

    [Fact]
    public async Task RunAsync_WorkThrows_TheCallerGetsTheException()
    {
        using var threads = new EngineThreads(1);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(
            () => threads.RunAsync<int>(() => throw new InvalidOperationException("engine failed")));

        Assert.Equal("engine failed", thrown.Message);
        Assert.Equal(7, await threads.RunAsync(() => Task.FromResult(7))); // the thread survived it
    }

    [Fact]
    public async Task Dispose_WorkAlreadyQueuedStillRuns_LaterCallsThrow()
    {
        var threads = new EngineThreads(1);
        using var release = new ManualResetEventSlim();
        var blocker = threads.RunAsync(() =>
        {
            release.Wait(TimeSpan.FromSeconds(10));
            return Task.FromResult(1);
        });
        var queued = threads.RunAsync(() => Task.FromResult(2));

        threads.Dispose();
        release.Set();

        Assert.Equal(1, await blocker);
        Assert.Equal(2, await queued);
        Assert.Throws<ObjectDisposedException>(() => { _ = threads.RunAsync(() => Task.FromResult(3)); }); // at the call, not in the task
    }
}
