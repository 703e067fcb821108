using System.Buffers;

namespace TruthTable.Core.Capture;

/// <summary>
/// A bounded, append-only copy of a body built from pooled segments, so the hot path never grows or copies an
/// array. Past <see cref="Limit"/> it stops copying and remembers that it overflowed. Not thread-safe: one writer
/// (the tee), then one reader (the pipeline worker), which disposes it to return the segments to the pool.
/// </summary>
/// <remarks>
/// The reader gets the body as one contiguous run (JSON and SSE parsers want one span): a body that spans several
/// segments is joined once, off the request path, into one more pooled array, instead of the reader copying it
/// into a new array of its own.
/// </remarks>
public sealed class CaptureBuffer : IDisposable
{
    private const int SegmentSize = 16 * 1024;

    private readonly ArrayPool<byte> _pool;
    private readonly List<byte[]> _segments = [];
    private int _lastSegmentLength;
    private byte[]? _joined;
    private bool _disposed;

    public CaptureBuffer(int limit, ArrayPool<byte>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
        _pool = pool ?? ArrayPool<byte>.Shared;
    }

    public int Limit { get; }

    /// <summary>Bytes kept (at most <see cref="Limit"/>).</summary>
    public long Length { get; private set; }

    /// <summary>Bytes seen, including those past the limit that were not kept.</summary>
    public long BytesSeen { get; private set; }

    public bool Overflowed => BytesSeen > Limit;

    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        BytesSeen += data.Length;
        ReturnJoined();
        if (Length >= Limit)
        {
            return;
        }

        var remaining = data[..(int)Math.Min(data.Length, Limit - Length)];
        while (!remaining.IsEmpty)
        {
            if (_segments.Count == 0 || _lastSegmentLength == _segments[^1].Length)
            {
                _segments.Add(_pool.Rent(SegmentSize));
                _lastSegmentLength = 0;
            }

            var target = _segments[^1].AsSpan(_lastSegmentLength);
            var count = Math.Min(target.Length, remaining.Length);
            remaining[..count].CopyTo(target);
            remaining = remaining[count..];
            _lastSegmentLength += count;
            Length += count;
        }
    }

    /// <summary>The kept bytes as one segment, valid until the next <see cref="Append"/> or <see cref="Dispose"/>.</summary>
    public ReadOnlySequence<byte> AsSequence()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_segments.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        if (_segments.Count == 1)
        {
            return new ReadOnlySequence<byte>(_segments[0], 0, _lastSegmentLength);
        }

        if (_joined is null)
        {
            var joined = _pool.Rent((int)Length);
            var offset = 0;
            for (var i = 0; i < _segments.Count; i++)
            {
                var length = i == _segments.Count - 1 ? _lastSegmentLength : _segments[i].Length;
                _segments[i].AsSpan(0, length).CopyTo(joined.AsSpan(offset));
                offset += length;
            }

            _joined = joined;
        }

        return new ReadOnlySequence<byte>(_joined, 0, (int)Length);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReturnJoined();
        foreach (var segment in _segments)
        {
            _pool.Return(segment);
        }

        _segments.Clear();
    }

    private void ReturnJoined()
    {
        if (_joined is not null)
        {
            _pool.Return(_joined);
            _joined = null;
        }
    }
}
