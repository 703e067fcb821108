using System.Buffers;

namespace TruthTable.Core.Extraction;

/// <summary>
/// A forward-only read stream over a <see cref="ReadOnlySequence{T}"/>, so the decompressors can read the pooled
/// capture segments in place instead of copying them into one array first.
/// </summary>
internal sealed class ReadOnlySequenceStream(ReadOnlySequence<byte> sequence) : Stream
{
    private ReadOnlySequence<byte> _remaining = sequence;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var take = (int)Math.Min(buffer.Length, _remaining.Length);
        var chunk = _remaining.Slice(0, take);
        chunk.CopyTo(buffer);
        _remaining = _remaining.Slice(chunk.End);
        return take;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
