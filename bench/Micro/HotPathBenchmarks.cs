using System.Reflection;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TruthTable.Bench.FakeUpstream;
using TruthTable.Core.Capture;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Pipeline;
using TruthTable.Core.RequestIds;

namespace TruthTable.Bench.Micro;

/// <summary>
/// What TruthTable adds to one proxied request on the request path: the request-id middleware and the capture
/// middleware around a stand-in for YARP that reads the request and writes the small JSON answer. The baseline
/// runs the same stand-in alone, so the difference is TruthTable's own cost. The captured job is taken off the
/// queue and disposed each time, as a worker would.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private readonly byte[] _readTarget = new byte[4096];
    private RequestDelegate _forward = null!;
    private RequestDelegate _withRequestIds = null!;
    private RequestDelegate _withCapture = null!;
    private TryDequeueJob _dequeue = null!;

    [GlobalSetup]
    public void Setup()
    {
        _forward = async context =>
        {
            while (await context.Request.Body.ReadAsync(_readTarget) > 0)
            {
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(BenchResponses.SmallBody);
        };
        var proxyOptions = Options.Create(new ProxyOptions { Upstream = new Uri("http://127.0.0.1:1") });
        var auditOptions = Options.Create(new AuditOptions { QueueCapacity = 1000 });
        var queue = new AuditQueue(auditOptions, new AuditEventBroadcaster([]), TimeProvider.System);
        // The workers' dequeue is internal; a bound delegate keeps reflection out of the measured allocations.
        _dequeue = (TryDequeueJob)Delegate.CreateDelegate(typeof(TryDequeueJob), queue,
            typeof(AuditQueue).GetMethod("TryDequeue", BindingFlags.Instance | BindingFlags.NonPublic)!);
        var capture = new ExchangeCaptureMiddleware(_forward, queue, new CaptureBufferPool(auditOptions), proxyOptions, TimeProvider.System);
        _withRequestIds = new RequestIdMiddleware(_forward, NullLogger<RequestIdMiddleware>.Instance).InvokeAsync;
        _withCapture = new RequestIdMiddleware(capture.InvokeAsync, NullLogger<RequestIdMiddleware>.Instance).InvokeAsync;
    }

    [Benchmark(Baseline = true, Description = "stand-in for YARP alone")]
    public Task Forward() => _forward(NewContext());

    [Benchmark(Description = "+ RequestIdMiddleware")]
    public Task RequestIds() => _withRequestIds(NewContext());

    [Benchmark(Description = "+ RequestIdMiddleware + ExchangeCaptureMiddleware")]
    public async Task Capture()
    {
        await _withCapture(NewContext());
        while (_dequeue(out var job))
        {
            job.Dispose();
        }
    }

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = ChatRequests.Path;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(ChatRequests.Body, writable: false);
        context.Request.ContentLength = ChatRequests.Body.Length;
        context.Response.Body = Stream.Null;
        return context;
    }

    private delegate bool TryDequeueJob([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AuditJob? job);
}
