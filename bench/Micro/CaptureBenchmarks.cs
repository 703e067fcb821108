using System.Reflection;
using BenchmarkDotNet.Attributes;
using TruthTable.Bench.FakeUpstream;
using TruthTable.Core.Capture;

namespace TruthTable.Bench.Micro;

/// <summary>
/// The capture tee's cost per SSE chunk: appending to a <see cref="CaptureBuffer"/>, and the response tee's write
/// path over a null stream. OperationsPerInvoke = 200, so the allocation column reads per chunk; the buffer, its
/// tee and its pooled segments are made per stream (200 chunks) and show up as 1/200 of their size.
/// </summary>
[MemoryDiagnoser]
public class CaptureBenchmarks
{
    private const int Chunks = BenchResponses.SseChunkCount;
    private static readonly Type ResponseTeeType =
        typeof(CaptureBuffer).Assembly.GetType("TruthTable.Core.Capture.ResponseBodyTee", throwOnError: true)!;
    private static readonly Type RequestTeeType =
        typeof(CaptureBuffer).Assembly.GetType("TruthTable.Core.Capture.RequestBodyTee", throwOnError: true)!;

    private byte[][] _chunks = [];

    [GlobalSetup]
    public void Setup() => _chunks = [.. BenchResponses.SseChunks];

    [Benchmark(OperationsPerInvoke = Chunks, Description = "CaptureBuffer.Append, per SSE chunk")]
    public long CaptureBufferAppend()
    {
        using var buffer = new CaptureBuffer(1024 * 1024);
        foreach (var chunk in _chunks)
        {
            buffer.Append(chunk);
        }

        return buffer.Length;
    }

    [Benchmark(OperationsPerInvoke = Chunks, Description = "ResponseBodyTee.WriteAsync+FlushAsync, per SSE chunk")]
    public async Task<long> ResponseTeeWrite()
    {
        using var buffer = new CaptureBuffer(1024 * 1024);
        var tee = (Stream)Activator.CreateInstance(ResponseTeeType, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, [Stream.Null, buffer], null)!;
        foreach (var chunk in _chunks)
        {
            await tee.WriteAsync(chunk);
            await tee.FlushAsync();
        }

        return buffer.Length;
    }

    [Benchmark(Description = "RequestBodyTee.ReadAsync, whole chat request")]
    public async Task<long> RequestTeeRead()
    {
        using var buffer = new CaptureBuffer(1024 * 1024);
        var source = new MemoryStream(ChatRequests.Body, writable: false);
        var tee = (Stream)Activator.CreateInstance(RequestTeeType, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, [source, buffer], null)!;
        var target = new byte[4096];
        while (await tee.ReadAsync(target) > 0)
        {
        }

        return buffer.Length;
    }
}
