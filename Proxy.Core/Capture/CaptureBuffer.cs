using System.Buffers;

namespace TruthTable.Core.Capture;

/// <summary>
/// A bounded, append-only copy of a body built from pooled segments, so the hot path never grows or copies an
/// array. Past <see cref="Limit"/> it stops copying and remembers that it overflowed. Not thread-safe: one writer
/// (the tee), then one reader (the pipeline worker), which disposes it to return the segments to the pool.
/// </summary>
/// <remarks>
/// The first segment is sized to the body when its length is known (<see cref="ExpectedLength"/>), and small
/// (<see cref="SmallFirstSegment"/>) when it is not: a captured exchange holds its segments until its audit ends,
/// and with the audit queue backed up a thousand small chat bodies in 16 KiB segments held 32 MiB, ran the pool
/// dry and had the collector copy the new ones it allocated.
/// The reader gets the body as one contiguous run (JSON and SSE parsers want one span): a body that spans several
/// segments is joined once, off the request path, into one more pooled array, instead of the reader copying it
/// into a new array of its own.
/// </remarks>
public sealed class CaptureBuffer : IDisposable
{
    /// <summary>Size of the pooled segments a body is copied into.</summary>
    public const int SegmentSize = 16 * 1024;

    /// <summary>Size of the first segment of a body of unknown length; the segments after it are full-sized.</summary>
    public const int SmallFirstSegment = 1024;

    private readonly ArrayPool<byte> _pool;
    // Most bodies fit one segment: it is a field, and a list is only made for the segments after it.
    private byte[]? _first;
    private List<byte[]>? _rest;
    private byte[]? _last;
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

    /// <summary>The body's length if known (Content-Length), read when the first segment is rented.</summary>
    public long? ExpectedLength { get; set; }

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
            if (_last is null || _lastSegmentLength == _last.Length)
            {
                _last = _pool.Rent(_first is null ? FirstSegmentSize() : SegmentSize);
                _lastSegmentLength = 0;
                if (_first is null)
                {
                    _first = _last;
                }
                else
                {
                    (_rest ??= []).Add(_last);
                }
            }

            var target = _last.AsSpan(_lastSegmentLength);
            var count = Math.Min(target.Length, remaining.Length);
            remaining[..count].CopyTo(target);
            remaining = remaining[count..];
            _lastSegmentLength += count;
            Length += count;
        }
    }

    private int FirstSegmentSize()
    {
        var expected = ExpectedLength is long length and > 0 ? (int)Math.Min(length, SegmentSize) : SmallFirstSegment;
        return Math.Min(expected, Limit);
    }

    /// <summary>The kept bytes as one segment, valid until the next <see cref="Append"/> or <see cref="Dispose"/>.</summary>
    public ReadOnlySequence<byte> AsSequence()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_first is null)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        if (_rest is null)
        {
            return new ReadOnlySequence<byte>(_first, 0, _lastSegmentLength);
        }

        if (_joined is null)
        {
            // Every segment but the last is full (to its rented length, which the pool may make larger).
            var joined = _pool.Rent((int)Length);
            _first.CopyTo(joined, 0);
            var offset = _first.Length;
            foreach (var segment in _rest)
            {
                var length = ReferenceEquals(segment, _last) ? _lastSegmentLength : segment.Length;
                segment.AsSpan(0, length).CopyTo(joined.AsSpan(offset));
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
        if (_first is not null)
        {
            _pool.Return(_first);
        }

        foreach (var segment in _rest ?? [])
        {
            _pool.Return(segment);
        }

        _first = _last = null;
        _rest = null;
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
