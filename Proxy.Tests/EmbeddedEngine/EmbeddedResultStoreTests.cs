using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Core.Configuration;
using TruthTable.Host.EmbeddedEngine;

namespace TruthTable.Tests.EmbeddedEngine;

public sealed class EmbeddedResultStoreTests
{
    private static AuditResult Result(string id, int traceLength = 10) =>
        new() { AuditId = id, Status = AuditStatus.Completed, ReasoningTrace = new string('t', traceLength) };

    [Fact]
    public void Add_OverCount_ForgetsOldest()
    {
        var store = new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions { ResultCacheSize = 2 }));

        store.Add(Result("a"));
        store.Add(Result("b"));
        store.Add(Result("c"));

        Assert.Null(store.Find("a"));
        Assert.NotNull(store.Find("c"));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void Find_ReturnsTheResultAsAdded_UnaffectedByLaterChangesToTheOriginal()
    {
        var store = new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions()));
        var result = Result("a");
        result.FaithfulnessScore = 0.75f;
        result.Claims.Add(new ClaimVerification { Claim = "The sky is blue.", Status = VerificationStatus.Supported, Evidence = { "doc-1" } });

        store.Add(result);
        var expected = result.Clone();
        result.Claims.Clear();
        result.ReasoningTrace = "changed";

        Assert.Equal(expected, store.Find("a"));
        Assert.NotSame(store.Find("a"), store.Find("a"));
    }

    [Fact]
    public void Add_LargeResultsOverByteBudget_StaysWithinBudget()
    {
        var store = new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions { ResultCacheMaxBytes = 50_000 }));

        for (var i = 0; i < 10; i++)
        {
            store.Add(Result($"r{i}", traceLength: 10_000)); // ~20 KB each in memory
        }

        Assert.InRange(store.Bytes, 1, 50_000);
        Assert.Null(store.Find("r0"));
        Assert.NotNull(store.Find("r9"));
    }
}
