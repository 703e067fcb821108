using System.Buffers;

namespace TruthTable.Tests.Extraction;

/// <summary>Builds multi-segment sequences like the proxy's pooled capture buffers produce.</summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> FromSegments(params byte[][] segments)
    {
        if (segments.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(segments[0], 0);
        var last = first;
        foreach (var segment in segments.Skip(1))
        {
            last = last.Append(segment);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every two-segment split of <paramref name="body"/>, including the empty-first and empty-last ones.</summary>
    public static IEnumerable<(int SplitAt, ReadOnlySequence<byte> Sequence)> SplitAtEveryBoundary(byte[] body)
    {
        for (var splitAt = 0; splitAt <= body.Length; splitAt++)
        {
            yield return (splitAt, FromSegments(body[..splitAt], body[splitAt..]));
        }
    }

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] body) =>
        FromSegments(body.Select(b => new[] { b }).ToArray());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
