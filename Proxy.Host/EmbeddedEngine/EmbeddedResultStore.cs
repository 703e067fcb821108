using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Core.Configuration;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>Recent results for GetAuditResult; bounded, oldest forgotten first.</summary>
public sealed class EmbeddedResultStore(IOptions<EmbeddedEngineOptions> options)
{
    private readonly int _capacity = options.Value.ResultCacheSize;
    private readonly ConcurrentDictionary<string, AuditResult> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(AuditResult result)
    {
        _results[result.AuditId] = result;
        _order.Enqueue(result.AuditId);
        while (_order.Count > _capacity && _order.TryDequeue(out var oldest))
        {
            _results.TryRemove(oldest, out _);
        }
    }

    public AuditResult? Find(string auditId) => _results.GetValueOrDefault(auditId);
}
