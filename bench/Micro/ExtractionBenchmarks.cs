using BenchmarkDotNet.Attributes;
using TruthTable.Bench.FakeUpstream;
using TruthTable.Core.Capture;
using TruthTable.Core.Extraction;

namespace TruthTable.Bench.Micro;

/// <summary>
/// The worker-side extraction of one exchange: the chat request plus a small JSON answer, a 64 KiB JSON answer,
/// and a 200-chunk SSE answer (read from a CaptureBuffer, as the pipeline does). SSE is also reported per chunk.
/// </summary>
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private const string Path = "/v1/chat/completions";
    private readonly OpenAiExchangeExtractor _extractor = new();
    private ReadOnlyMemory<byte> _request;
    private CaptureBuffer _sse = null!;
    private CaptureBuffer _big = null!;

    [GlobalSetup]
    public void Setup()
    {
        _request = ChatRequests.StreamBody;
        _sse = new CaptureBuffer(1024 * 1024);
        _sse.Append(BenchResponses.SseBody());
        _big = new CaptureBuffer(1024 * 1024);
        _big.Append(BenchResponses.BigBody.Span);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sse.Dispose();
        _big.Dispose();
    }

    [Benchmark(Description = "decode + extract small JSON exchange")]
    public object? SmallJson() => Extract(ChatRequests.Body, BenchResponses.SmallBody, "application/json");

    [Benchmark(Description = "decode + extract 64 KiB JSON exchange")]
    public object? BigJson() => ExtractCaptured(_big, "application/json");

    [Benchmark(OperationsPerInvoke = BenchResponses.SseChunkCount, Description = "decode + extract 200-chunk SSE, per chunk")]
    public object? SsePerChunk() => ExtractCaptured(_sse, "text/event-stream");

    private object? ExtractCaptured(CaptureBuffer response, string contentType)
    {
        var decoded = CapturedBodyDecoder.Decode(response.AsSequence(), null, 1024 * 1024);
        return Extract(_request, decoded.Body, contentType);
    }

    private object? Extract(ReadOnlyMemory<byte> request, ReadOnlyMemory<byte> response, string contentType)
    {
        var outcome = _extractor.Extract(Path, 200, request, response, contentType);
        return outcome.Exchange ?? throw new InvalidOperationException(outcome.SkipDetail);
    }
}
