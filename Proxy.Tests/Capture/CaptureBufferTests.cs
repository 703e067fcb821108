using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Moq;
using TruthTable.Core.Capture;
using TruthTable.Core.Configuration;

namespace TruthTable.Tests.Capture;

public sealed class CaptureBufferTests
{
    [Fact]
    public void Append_ManyChunksAcrossSegments_SequenceEqualsInput()
    {
        var input = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray();
        using var buffer = new CaptureBuffer(1024 * 1024);

        for (var offset = 0; offset < input.Length; offset += 997)
        {
            buffer.Append(input.AsSpan(offset, Math.Min(997, input.Length - offset)));
        }

        Assert.Equal(input, buffer.AsSequence().ToArray());
        Assert.False(buffer.Overflowed);
        Assert.Equal(input.Length, buffer.Length);
    }

    [Fact]
    public void Append_PastLimit_KeepsLimitAndReportsOverflow()
    {
        using var buffer = new CaptureBuffer(100);

        buffer.Append(new byte[60]);
        buffer.Append(new byte[60]);

        Assert.True(buffer.Overflowed);
        Assert.Equal(100, buffer.Length);
        Assert.Equal(120, buffer.BytesSeen);
        Assert.Equal(100, buffer.AsSequence().Length);
    }

    [Fact]
    public void Append_ExactlyLimit_IsNotOverflow()
    {
        using var buffer = new CaptureBuffer(64);
        buffer.Append(new byte[64]);
        Assert.False(buffer.Overflowed);
    }

    [Fact]
    public void Dispose_ReturnsEverySegmentToThePool()
    {
        var rented = new List<byte[]>();
        var pool = new Mock<ArrayPool<byte>>();
        pool.Setup(p => p.Rent(It.IsAny<int>())).Returns((int size) =>
        {
            rented.Add(new byte[size]);
            return rented[^1];
        });
        var buffer = new CaptureBuffer(100_000, pool.Object);
        buffer.Append(new byte[40_000]);

        buffer.Dispose();
        buffer.Dispose();

        // 1 KiB first (length unknown), then 16 KiB segments.
        Assert.Equal([CaptureBuffer.SmallFirstSegment, .. Enumerable.Repeat(CaptureBuffer.SegmentSize, 3)], rented.Select(r => r.Length));
        foreach (var segment in rented)
        {
            pool.Verify(p => p.Return(It.Is<byte[]>(a => ReferenceEquals(a, segment)), It.IsAny<bool>()), Times.Once);
        }
    }

    [Theory]
    [InlineData(300L, 300)]
    [InlineData(100_000L, CaptureBuffer.SegmentSize)]
    [InlineData(null, CaptureBuffer.SmallFirstSegment)]
    [InlineData(0L, CaptureBuffer.SmallFirstSegment)]
    public void Append_FirstSegment_IsSizedToTheExpectedLength(long? expectedLength, int firstRent)
    {
        var rents = new List<int>();
        var pool = new Mock<ArrayPool<byte>>();
        pool.Setup(p => p.Rent(It.IsAny<int>())).Returns((int size) =>
        {
            rents.Add(size);
            return new byte[size];
        });
        using var buffer = new CaptureBuffer(1024 * 1024, pool.Object) { ExpectedLength = expectedLength };

        buffer.Append(new byte[10]);
        buffer.Append(new byte[firstRent]);

        // Once the first segment is full, the next ones are full-sized.
        Assert.Equal([firstRent, CaptureBuffer.SegmentSize], rents);
    }

    [Fact]
    public void Append_LimitBelowTheFirstSegment_RentsOnlyTheLimit()
    {
        var pool = new Mock<ArrayPool<byte>>();
        pool.Setup(p => p.Rent(It.IsAny<int>())).Returns((int size) => new byte[size]);
        using var buffer = new CaptureBuffer(100, pool.Object);

        buffer.Append(new byte[500]);

        pool.Verify(p => p.Rent(100), Times.Once);
        Assert.Equal(100, buffer.Length);
    }

    [Fact]
    public void Append_BodyLongerThanExpected_KeepsEveryByte()
    {
        var input = Enumerable.Range(0, 20_000).Select(i => (byte)(i * 11)).ToArray();
        using var buffer = new CaptureBuffer(1024 * 1024) { ExpectedLength = 300 };

        for (var offset = 0; offset < input.Length; offset += 250)
        {
            buffer.Append(input.AsSpan(offset, 250));
        }

        Assert.Equal(input, buffer.AsSequence().ToArray());
    }

    [Fact]
    public void Append_SmallBodiesThroughTheCapturePool_HoldSmallSegments()
    {
        // A backed-up queue holds the captures of a thousand small exchanges at once.
        var pool = new CaptureBufferPool(Options.Create(new AuditOptions()));
        var held = Enumerable.Range(0, 1000).Select(_ =>
        {
            var buffer = new CaptureBuffer(1024 * 1024, pool) { ExpectedLength = 300 };
            buffer.Append(new byte[300]);
            return buffer;
        }).ToList();

        Assert.All(held, b => Assert.Equal(300, b.AsSequence().Length));
        // The pool rounds 300 up to its 512-byte bucket, or a larger one nearby once that is empty; a 16 KiB
        // segment each would hold 16 MiB here.
        Assert.All(held, b => Assert.InRange(
            MemoryMarshal.TryGetArray(b.AsSequence().First, out var array) ? array.Array!.Length : -1, 512, 2048));
        held.ForEach(b => b.Dispose());
    }

    [Fact]
    public void AsSequence_Empty_IsEmpty()
    {
        using var buffer = new CaptureBuffer(10);
        Assert.True(buffer.AsSequence().IsEmpty);
    }

    [Fact]
    public void AsSequence_ManySegments_IsOneSegmentEqualToInput()
    {
        var input = Enumerable.Range(0, 40_000).Select(i => (byte)(i * 13)).ToArray();
        using var buffer = new CaptureBuffer(1024 * 1024);
        buffer.Append(input);

        var sequence = buffer.AsSequence();

        Assert.True(sequence.IsSingleSegment);
        Assert.Equal(input, sequence.FirstSpan.ToArray());
    }

    [Fact]
    public void AsSequence_CalledTwice_JoinsOnce()
    {
        var pool = new Mock<ArrayPool<byte>>();
        pool.Setup(p => p.Rent(It.IsAny<int>())).Returns((int size) => new byte[size]);
        using var buffer = new CaptureBuffer(100_000, pool.Object) { ExpectedLength = 40_000 };
        buffer.Append(new byte[40_000]);

        buffer.AsSequence();
        buffer.AsSequence();

        // Three 16 KiB segments and one joined copy.
        pool.Verify(p => p.Rent(It.IsAny<int>()), Times.Exactly(4));
    }

    [Fact]
    public void Dispose_AfterAsSequence_ReturnsTheJoinedCopyToo()
    {
        var pool = new Mock<ArrayPool<byte>>();
        pool.Setup(p => p.Rent(It.IsAny<int>())).Returns((int size) => new byte[size]);
        var buffer = new CaptureBuffer(100_000, pool.Object) { ExpectedLength = 40_000 };
        buffer.Append(new byte[40_000]);
        buffer.AsSequence();

        buffer.Dispose();

        pool.Verify(p => p.Return(It.IsAny<byte[]>(), It.IsAny<bool>()), Times.Exactly(4));
    }

    [Fact]
    public void Append_AfterAsSequence_NextSequenceHasTheNewBytes()
    {
        using var buffer = new CaptureBuffer(100_000);
        buffer.Append(Enumerable.Repeat((byte)1, 20_000).ToArray());
        Assert.Equal(20_000, buffer.AsSequence().Length);

        buffer.Append([2, 3]);

        var bytes = buffer.AsSequence().ToArray();
        Assert.Equal(20_002, bytes.Length);
        Assert.Equal([1, 2, 3], bytes[19_999..]);
    }

    [Fact]
    public void AsSequence_OneSegment_IsTheSegmentItself()
    {
        var pool = new Mock<ArrayPool<byte>>();
        pool.Setup(p => p.Rent(It.IsAny<int>())).Returns((int size) => new byte[size]);
        var buffer = new CaptureBuffer(100_000, pool.Object);
        buffer.Append([1, 2, 3]);

        Assert.Equal([1, 2, 3], buffer.AsSequence().ToArray());
        buffer.Dispose();

        pool.Verify(p => p.Rent(It.IsAny<int>()), Times.Once);
        pool.Verify(p => p.Return(It.IsAny<byte[]>(), It.IsAny<bool>()), Times.Once);
    }
}
