using System.Buffers;
using Microsoft.Extensions.Options;
using TruthTable.Core.Configuration;

namespace TruthTable.Core.Capture;

/// <summary>
/// The segments of captured bodies, pooled apart from <see cref="ArrayPool{T}.Shared"/>. A segment is held from the
/// first byte of an exchange until its audit ends, so with the audit queue backed up there are more of them out at
/// once than the shared pool keeps per size (32 per core): the rest were allocated and dropped, 16 KiB arrays
/// living just long enough to be promoted, which is what makes a GC pause long. This pool keeps as many segments as
/// the queue can hold exchanges (two each), up to <see cref="MaxPooledSegments"/> per size. First segments sized to a
/// small body (<see cref="CaptureBuffer.ExpectedLength"/>) come from its smaller sizes. Joined copies of bodies
/// larger than one segment are rarer and come from the shared pool.
/// </summary>
public sealed class CaptureBufferPool : ArrayPool<byte>
{
    /// <summary>At most 8 MiB of full segments kept pooled after a burst (and as many small first segments).</summary>
    public const int MaxPooledSegments = 512;

    private readonly ArrayPool<byte> _segments;

    public CaptureBufferPool(IOptions<AuditOptions> options)
    {
        Capacity = (int)Math.Clamp(2L * options.Value.QueueCapacity, 16, MaxPooledSegments);
        _segments = Create(CaptureBuffer.SegmentSize, Capacity);
    }

    /// <summary>Segments kept for reuse at most.</summary>
    public int Capacity { get; }

    public override byte[] Rent(int minimumLength) =>
        minimumLength <= CaptureBuffer.SegmentSize ? _segments.Rent(minimumLength) : Shared.Rent(minimumLength);

    public override void Return(byte[] array, bool clearArray = false)
    {
        // Only the segment pool hands out arrays of segment size or smaller (its power-of-two buckets).
        if (array.Length <= CaptureBuffer.SegmentSize)
        {
            _segments.Return(array, clearArray);
        }
        else
        {
            Shared.Return(array, clearArray);
        }
    }
}
