using System.Linq.Expressions;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
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
    // The tees are internal; a compiled constructor call keeps reflection out of the measured allocations.
    // The response tee also reads the response's Content-Length (none here: an SSE stream).
    internal static readonly Func<Stream, CaptureBuffer, Stream> NewResponseTee = Constructor("ResponseBodyTee", new DefaultHttpContext().Response);
    private static readonly Func<Stream, CaptureBuffer, Stream> NewRequestTee = Constructor("RequestBodyTee");

    private byte[][] _chunks = [];
    private readonly byte[] _readTarget = new byte[4096];
    private readonly MemoryStream _requestSource = new(ChatRequests.Body, writable: false);

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
        var tee = NewResponseTee(Stream.Null, buffer);
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
        _requestSource.Position = 0;
        var tee = NewRequestTee(_requestSource, buffer);
        while (await tee.ReadAsync(_readTarget) > 0)
        {
        }

        return buffer.Length;
    }

    private static Func<Stream, CaptureBuffer, Stream> Constructor(string name, HttpResponse? response = null)
    {
        var type = typeof(CaptureBuffer).Assembly.GetType("TruthTable.Core.Capture." + name, throwOnError: true)!;
        Type[] parameters = response is null ? [typeof(Stream), typeof(CaptureBuffer)] : [typeof(Stream), typeof(CaptureBuffer), typeof(HttpResponse)];
        var constructor = type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, parameters)
            ?? throw new MissingMethodException(name, ".ctor");
        var inner = Expression.Parameter(typeof(Stream));
        var capture = Expression.Parameter(typeof(CaptureBuffer));
        Expression[] arguments = response is null ? [inner, capture] : [inner, capture, Expression.Constant(response)];
        return Expression.Lambda<Func<Stream, CaptureBuffer, Stream>>(
            Expression.Convert(Expression.New(constructor, arguments), typeof(Stream)), inner, capture).Compile();
    }
}
