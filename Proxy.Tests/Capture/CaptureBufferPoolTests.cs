using System.Buffers;
using Microsoft.Extensions.Options;
using TruthTable.Core.Capture;
using TruthTable.Core.Configuration;

namespace TruthTable.Tests.Capture;

public sealed class CaptureBufferPoolTests
{
    private static CaptureBufferPool Pool(int queueCapacity) =>
        new(Options.Create(new AuditOptions { QueueCapacity = queueCapacity }));

    /// <summary>Rents <paramref name="segments"/> at once, returns them all, rents as many again: how many came back.</summary>
    private static int ReusedAfterReturningAll(CaptureBufferPool pool, int segments)
    {
        var first = Enumerable.Range(0, segments).Select(_ => pool.Rent(CaptureBuffer.SegmentSize)).ToList();
        first.ForEach(a => pool.Return(a));
        var second = Enumerable.Range(0, segments).Select(_ => pool.Rent(CaptureBuffer.SegmentSize)).ToList();
        return second.Intersect(first, ReferenceEqualityComparer.Instance).Count();
    }

    [Fact]
    public void SegmentsOutAtOnce_UpToCapacity_AreAllReused()
    {
        // 200 held at once: more than ArrayPool<byte>.Shared keeps of one size on a 2-core machine (32 per core).
        var pool = Pool(queueCapacity: 100);

        Assert.Equal(200, pool.Capacity);
        Assert.Equal(200, ReusedAfterReturningAll(pool, segments: 200));
    }

    [Fact]
    public void SegmentsBeyondCapacity_AreDropped()
    {
        Assert.Equal(20, ReusedAfterReturningAll(Pool(queueCapacity: 10), segments: 30));
    }

    [Fact]
    public void Capacity_IsBoundedWhateverTheQueueCapacity()
    {
        Assert.Equal(CaptureBufferPool.MaxPooledSegments, Pool(queueCapacity: 1_000_000).Capacity);
        Assert.Equal(16, Pool(queueCapacity: 1).Capacity);
    }

    [Fact]
    public void CaptureBuffer_LargerThanOneSegment_JoinsAndReturnsThroughThePool()
    {
        var pool = Pool(queueCapacity: 10);
        var input = Enumerable.Range(0, 40_000).Select(i => (byte)i).ToArray();
        var buffer = new CaptureBuffer(100_000, pool);
        buffer.Append(input);

        Assert.Equal(input, buffer.AsSequence().ToArray());
        buffer.Dispose(); // the joined copy (over one segment) goes back to the shared pool without complaint

        var again = pool.Rent(CaptureBuffer.SegmentSize);
        Assert.Equal(CaptureBuffer.SegmentSize, again.Length);
    }
}
