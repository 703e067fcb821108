using Google.Protobuf;
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
    public void AddAndSerialize_ReturnsTheWireFormAndStoresIt()
    {
        var store = new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions()));
        var result = Result("a", traceLength: 3_000);

        var wire = store.AddAndSerialize(result);
        store.Add(Result("b", traceLength: 5)); // a smaller result through the pooled buffer after it

        Assert.Equal(result.ToByteArray(), wire);
        Assert.Equal(result, store.Find("a"));
        Assert.Equal(Result("b", traceLength: 5), store.Find("b"));
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

    [Fact]
    public void Add_ResultsOverManyChunks_EachFoundWhole()
    {
        var store = new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions()));
        var added = Enumerable.Range(0, 2_000).Select(i => Result($"r{i}", traceLength: 900 + i % 300)).ToList();

        foreach (var result in added)
        {
            store.Add(result);
        }

        Assert.True(store.ChunkCount > 1, $"{store.ChunkCount} chunk(s)");
        Assert.All(added, result => Assert.Equal(result, store.Find(result.AuditId)));
        Assert.Equal(2_000, store.Count);
    }

    [Fact]
    public void Add_LongRunOverCount_OldChunksLetGoAndTheRecentStayReadable()
    {
        var store = new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions { ResultCacheSize = 100 }));

        for (var i = 0; i < 20_000; i++)
        {
            store.Add(Result($"r{i}", traceLength: 1_000)); // 20 MB in all, 100 KB kept
        }

        Assert.Equal(100, store.Count);
        Assert.InRange(store.ChunkCount, 1, 2);
        Assert.Null(store.Find("r19899"));
        Assert.Equal(Result("r19900", traceLength: 1_000), store.Find("r19900"));
        Assert.Equal(Result("r19999", traceLength: 1_000), store.Find("r19999"));
    }

    [Fact]
    public void Add_ResultLargerThanAChunk_KeptAndFound()
    {
        var store = new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions()));
        var large = Result("large", traceLength: EmbeddedResultStore.ChunkSize * 2);

        store.Add(Result("small-before"));
        store.Add(large);
        store.Add(Result("small-after"));

        Assert.Equal(large, store.Find("large"));
        Assert.Equal(Result("small-before"), store.Find("small-before"));
        Assert.Equal(Result("small-after"), store.Find("small-after"));
    }

    [Fact]
    public void Add_SameAuditIdTwice_FirstKept()
    {
        var store = new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions()));

        store.Add(Result("a", traceLength: 5));
        store.Add(Result("a", traceLength: 7));

        Assert.Equal(Result("a", traceLength: 5), store.Find("a"));
        Assert.Equal(1, store.Count);
    }
}
