using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Core.Configuration;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// Recent results for GetAuditResult; bounded in count and in approximate bytes (a long answer's result carries
/// every claim and its evidence), oldest forgotten first.
/// </summary>
public sealed class EmbeddedResultStore(IOptions<EmbeddedEngineOptions> options)
{
    private readonly int _capacity = options.Value.ResultCacheSize;
    private readonly long _maxBytes = options.Value.ResultCacheMaxBytes;
    private readonly ConcurrentDictionary<string, AuditResult> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _results.Count;

    public void Add(AuditResult result)
    {
        if (!_results.TryAdd(result.AuditId, result))
        {
            return; // audit ids are unique; a repeat changes nothing
        }

        Interlocked.Add(ref _bytes, SizeOf(result));
        _order.Enqueue(result.AuditId);
        while ((_order.Count > _capacity || Interlocked.Read(ref _bytes) > _maxBytes) && _order.TryDequeue(out var oldest))
        {
            if (_results.TryRemove(oldest, out var removed))
            {
                Interlocked.Add(ref _bytes, -SizeOf(removed));
            }
        }
    }

    // Strings are UTF-16 in memory, about twice their UTF-8 wire size, plus object overhead.
    private static long SizeOf(AuditResult result) => 2L * result.CalculateSize() + 256;

    public AuditResult? Find(string auditId) => _results.GetValueOrDefault(auditId);
}
