using BenchmarkDotNet.Attributes;
using TruthTable.Bench.FakeUpstream;
using TruthTable.Core.Capture;

namespace TruthTable.Bench.Micro;

/// <summary>
/// One whole SSE stream through the capture tee at 200 and at 2,000 chunks (the benchmark's 200 chunks, repeated).
/// <see cref="CaptureBenchmarks"/> reads per chunk, where a per-stream object and a small per-chunk allocation look
/// alike (1–2 B); here the allocation column is per stream, so if nothing is allocated per chunk it does not grow
/// with ten times the chunks.
/// </summary>
[MemoryDiagnoser]
public class CaptureScalingBenchmarks
{
    private byte[][] _chunks = [];

    [Params(200, 2000)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var source = BenchResponses.SseChunks;
        _chunks = [.. Enumerable.Range(0, Chunks).Select(i => source[i % source.Count])];
    }

    [Benchmark(Description = "CaptureBuffer.Append, whole stream")]
    public long CaptureBufferAppend()
    {
        using var buffer = new CaptureBuffer(1024 * 1024);
        foreach (var chunk in _chunks)
        {
            buffer.Append(chunk);
        }

        return buffer.Length;
    }

    [Benchmark(Description = "ResponseBodyTee.WriteAsync+FlushAsync, whole stream")]
    public async Task<long> ResponseTeeWrite()
    {
        using var buffer = new CaptureBuffer(1024 * 1024);
        var tee = CaptureBenchmarks.NewResponseTee(Stream.Null, buffer);
        foreach (var chunk in _chunks)
        {
            await tee.WriteAsync(chunk);
            await tee.FlushAsync();
        }

        return buffer.Length;
    }
}
