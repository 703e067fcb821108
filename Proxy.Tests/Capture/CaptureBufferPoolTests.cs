using System.Buffers;
using Microsoft.Extensions.Options;
using TruthTable.Core.Capture;
using TruthTable.Core.Configuration;

namespace TruthTable.Tests.Capture;

public sealed class CaptureBufferPoolTests
{
    private static CaptureBufferPool Pool(int queueCapacity) =>
        new(Options.Create(new AuditOptions { QueueCapacity = queueCapacity }));

    [Fact]
    public void SegmentsOutAtOnce_UpToCapacity_AreAllReused()
    {
        // 200 held at once: more than ArrayPool<byte>.Shared keeps of one size on a 2-core machine (32 per core).
        var pool = Pool(queueCapacity: 100);
        var first = Enumerable.Range(0, 200).Select(_ => pool.Rent(CaptureBuffer.SegmentSize)).ToList();
        first.ForEach(a => pool.Return(a));

        var second = Enumerable.Range(0, 200).Select(_ => pool.Rent(CaptureBuffer.SegmentSize)).ToList();

        Assert.Equal(200, pool.Capacity);
        Assert.Equal(200, second.Intersect(first, ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void SegmentsBeyondCapacity_AreDropped()
    {
        var pool = Pool(queueCapacity: 10);
        var first = Enumerable.Range(0, 30).Select(_ => pool.Rent(CaptureBuffer.SegmentSize)).ToList();
        first.ForEach(a => pool.Return(a));

        var second = Enumerable.Range(0, 30).Select(_ => pool.Rent(CaptureBuffer.SegmentSize)).ToList();

        Assert.Equal(20, second.Intersect(first, ReferenceEqualityComparer.Instance).Count());
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
