using BenchmarkDotNet.Attributes;
using TruthTable.Core.Engine;
using TruthTable.Tests.Engine;

namespace TruthTable.Bench.Micro;

/// <summary>
/// The embedded engine's audit of one answer: the load benchmark's exchange (a one-sentence answer and its
/// two-sentence system prompt, as <c>bench/LoadClient</c> sends them), and the hand-labelled evaluation set
/// (Proxy.Tests) audited case by case, reported per case. The engine shares the proxy's cores and heap, so what it
/// allocates per audit sets how often the collector pauses the proxied requests.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const string BenchQuery = "What is the capital of the Netherlands?";
    private const string BenchAnswer = "Amsterdam is the capital of the Netherlands.";

    private static readonly EvidenceDocument[] BenchContext =
        [new("system", "Amsterdam is the capital of the Netherlands. It has about 900,000 inhabitants.")];

    private readonly FaithfulnessAuditor _auditor = new();
    private readonly IReadOnlyList<LabeledAuditCase> _cases = LabeledAuditCases.All;

    [Benchmark(Description = "audit the load benchmark's exchange")]
    public FaithfulnessReport BenchExchange() => _auditor.Audit(BenchQuery, BenchAnswer, BenchContext);

    [Benchmark(Description = "audit the labelled set, per case", OperationsPerInvoke = 64)]
    public int LabeledSet()
    {
        var claims = 0;
        for (var i = 0; i < 64; i++)
        {
            var labeled = _cases[i % _cases.Count];
            claims += _auditor.Audit("", labeled.Answer, labeled.Context).Claims.Count;
        }

        return claims;
    }
}
