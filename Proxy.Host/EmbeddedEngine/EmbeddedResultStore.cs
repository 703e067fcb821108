using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Core.Configuration;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// Recent results for GetAuditResult; bounded in count and in bytes (a long answer's result carries every claim and
/// its evidence), oldest forgotten first. Results are kept in their wire form: at 1,000 audits/s ten seconds of
/// results as object graphs (claims, evidence strings) outlived every gen0 collection and made each 11-17 ms on the
/// 2-core bench host; one byte array per result is copied, not traced.
/// </summary>
public sealed class EmbeddedResultStore(IOptions<EmbeddedEngineOptions> options)
{
    // The dictionary entry, the key string and the array header, roughly.
    private const int EntryOverhead = 160;

    private readonly int _capacity = options.Value.ResultCacheSize;
    private readonly long _maxBytes = options.Value.ResultCacheMaxBytes;
    private readonly ConcurrentDictionary<string, byte[]> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _results.Count;

    /// <summary>Stores the result; returns it serialized (to be sent on, never changed).</summary>
    public byte[] Add(AuditResult result)
    {
        var wire = result.ToByteArray();
        if (!_results.TryAdd(result.AuditId, wire))
        {
            return wire; // audit ids are unique; a repeat changes nothing
        }

        Interlocked.Add(ref _bytes, wire.Length + EntryOverhead);
        _order.Enqueue(result.AuditId);
        while ((_order.Count > _capacity || Interlocked.Read(ref _bytes) > _maxBytes) && _order.TryDequeue(out var oldest))
        {
            if (_results.TryRemove(oldest, out var removed))
            {
                Interlocked.Add(ref _bytes, -(removed.Length + EntryOverhead));
            }
        }

        return wire;
    }

    /// <summary>A fresh copy of the stored result, or null once forgotten.</summary>
    public AuditResult? Find(string auditId) =>
        _results.TryGetValue(auditId, out var wire) ? AuditResult.Parser.ParseFrom(wire) : null;
}
