using System.Buffers;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Core.Configuration;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// Recent results for GetAuditResult; bounded in count and in bytes (a long answer's result carries every claim and
/// its evidence), oldest forgotten first. At 1,000 audits/s a result is kept about ten seconds, so anything kept per
/// result on the heap outlives a gen0 and a gen1 collection and is copied by both: as object graphs they made each
/// gen0 pause 11–17 ms on the 2-core bench host, and as a byte array, a key string and a dictionary node each they
/// were still what every collection promoted, every 1.65 s (docs/PERFORMANCE.md). So results are appended in their
/// wire form to large chunks, which the collector neither moves nor scans, and indexed by a 128-bit hash of the id in
/// preallocated arrays: nothing is kept per result as an object.
/// </summary>
public sealed class EmbeddedResultStore
{
    /// <summary>Large enough for the large object heap (never copied), small enough that a spare one costs little.</summary>
    internal const int ChunkSize = 256 * 1024;

    // What an entry costs besides its bytes: its slot in the order ring and in the dictionary, roughly.
    private const int EntryOverhead = 64;

    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private readonly long _seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));
    private readonly Dictionary<UInt128, Entry> _entries;
    private readonly UInt128[] _order; // a ring of keys: the oldest at _oldest
    private readonly List<byte[]> _chunks = []; // _chunks[0] has sequence number _firstChunk
    private long _firstChunk;
    private int _used; // bytes used in the last chunk
    private byte[]? _spare; // the last chunk let go, reused for the next
    private int _oldest;
    private long _bytes;

    public EmbeddedResultStore(IOptions<EmbeddedEngineOptions> options)
    {
        _capacity = options.Value.ResultCacheSize;
        _maxBytes = options.Value.ResultCacheMaxBytes;
        _entries = new Dictionary<UInt128, Entry>(Math.Min(_capacity, 1 << 16));
        _order = new UInt128[_capacity];
    }

    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Chunks holding results (tests: old ones are let go).</summary>
    internal int ChunkCount
    {
        get
        {
            lock (_lock)
            {
                return _chunks.Count;
            }
        }
    }

    /// <summary>Stores the result, serialized through a pooled buffer: an in-process caller needs no bytes of its own.</summary>
    public void Add(AuditResult result)
    {
        var size = result.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var wire = buffer.AsSpan(0, size);
            result.WriteTo(wire);
            Store(result.AuditId, wire);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Stores the result; returns it serialized (to be sent on, never changed).</summary>
    public byte[] AddAndSerialize(AuditResult result)
    {
        var wire = result.ToByteArray();
        Store(result.AuditId, wire);
        return wire;
    }

    private void Store(string auditId, ReadOnlySpan<byte> wire)
    {
        var key = Key(auditId);
        lock (_lock)
        {
            if (_entries.ContainsKey(key))
            {
                return; // audit ids are unique; a repeat changes nothing
            }

            while (_entries.Count > 0 && (_entries.Count == _capacity || _bytes + wire.Length + EntryOverhead > _maxBytes))
            {
                ForgetOldest();
            }

            var (chunk, offset) = Append(wire);
            _order[(_oldest + _entries.Count) % _capacity] = key;
            _entries.Add(key, new Entry(chunk, offset, wire.Length));
            _bytes += wire.Length + EntryOverhead;
        }
    }

    /// <summary>A fresh copy of the stored result, or null once forgotten.</summary>
    public AuditResult? Find(string auditId)
    {
        var key = Key(auditId);
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                return null;
            }

            var result = AuditResult.Parser.ParseFrom(
                _chunks[(int)(entry.Chunk - _firstChunk)].AsSpan(entry.Offset, entry.Length));
            return result.AuditId == auditId ? result : null; // a hash collision is a miss, not someone else's result
        }
    }

    /// <summary>Copies the bytes to the end of the last chunk, or to a new one; a result bigger than a chunk gets its own.</summary>
    private (long Chunk, int Offset) Append(ReadOnlySpan<byte> wire)
    {
        if (_chunks.Count == 0 || _used + wire.Length > _chunks[^1].Length)
        {
            var chunk = wire.Length <= ChunkSize ? TakeSpare() ?? new byte[ChunkSize] : new byte[wire.Length];
            _chunks.Add(chunk);
            _used = 0;
        }

        var offset = _used;
        wire.CopyTo(_chunks[^1].AsSpan(offset));
        _used += wire.Length;
        return (_firstChunk + _chunks.Count - 1, offset);
    }

    private void ForgetOldest()
    {
        var key = _order[_oldest];
        _oldest = (_oldest + 1) % _capacity;
        if (!_entries.Remove(key, out var forgotten))
        {
            return;
        }

        _bytes -= forgotten.Length + EntryOverhead;
        // Entries go in chunk order, so once the oldest lives in a later chunk (or none is left), earlier chunks are empty.
        var stillUsedFrom = _entries.Count == 0 ? _firstChunk + _chunks.Count - 1 : _entries[_order[_oldest]].Chunk;
        while (_firstChunk < stillUsedFrom)
        {
            Release(_chunks[0]);
            _chunks.RemoveAt(0);
            _firstChunk++;
        }

        if (_entries.Count == 0)
        {
            _used = 0; // the last chunk is empty too: start it over
        }
    }

    private void Release(byte[] chunk)
    {
        if (chunk.Length == ChunkSize)
        {
            _spare = chunk;
        }
    }

    private byte[]? TakeSpare()
    {
        var spare = _spare;
        _spare = null;
        return spare;
    }

    // Seeded per process: audit ids reach the engine from callers, who must not be able to aim for a collision.
    private UInt128 Key(string auditId) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(auditId.AsSpan()), _seed);

    /// <summary>Where a result's bytes are: a chunk's sequence number, not a reference, so the arrays hold nothing to trace.</summary>
    private readonly record struct Entry(long Chunk, int Offset, int Length);
}
