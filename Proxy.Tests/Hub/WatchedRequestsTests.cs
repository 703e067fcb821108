using TruthTable.Core.Hub;

namespace TruthTable.Tests.Hub;

public sealed class WatchedRequestsTests
{
    private readonly WatchedRequests _watched = new();

    [Fact]
    public void TwoWatchers_WatchedUntilBothLeave()
    {
        _watched.Add("r1");
        _watched.Add("r1");

        _watched.Remove("r1");
        Assert.True(_watched.IsWatched("r1"));

        _watched.Remove("r1");
        Assert.False(_watched.IsWatched("r1"));
        Assert.Equal(0, _watched.Count);
    }

    [Fact]
    public void Remove_NotWatched_NoEffect()
    {
        _watched.Add("r1");

        _watched.Remove("r2");

        Assert.Equal((true, false, 1), (_watched.IsWatched("r1"), _watched.IsWatched("r2"), _watched.Count));
    }

    [Fact]
    public async Task ConcurrentAddAndRemove_CountsBalance()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                _watched.Add("busy");
                _watched.Remove("busy");
            }
        })));

        Assert.False(_watched.IsWatched("busy"));
    }
}
