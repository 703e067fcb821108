using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Capture;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Extraction;
using TruthTable.Core.Pipeline;
using TruthTable.Core.RequestIds;

namespace TruthTable.Tests.Capture;

public sealed class ExchangeCaptureMiddlewareTests
{
    private sealed class RecordingSink : IAuditEventSink
    {
        public List<AuditEventEnvelope> Published { get; } = [];
        public void Publish(AuditEventEnvelope envelope) => Published.Add(envelope);
    }

    private readonly RecordingSink _sink = new();
    private readonly AuditQueue _queue;

    public ExchangeCaptureMiddlewareTests() =>
        _queue = new AuditQueue(Options.Create(new AuditOptions { QueueCapacity = 1 }), new AuditEventBroadcaster([_sink]), TimeProvider.System);

    private async Task<(HttpContext Context, Stream BodySeenByProxy)> ProxyAsync(string requestId, Func<Task>? upstreamWait = null)
    {
        Stream? seen = null;
        var capture = new ExchangeCaptureMiddleware(async context =>
        {
            seen = context.Response.Body;
            await (upstreamWait?.Invoke() ?? Task.CompletedTask);
            context.Response.StatusCode = 200;
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("""{"choices":[]}"""));
        }, _queue, new CaptureBufferPool(Options.Create(new AuditOptions())), Options.Create(new ProxyOptions { Upstream = new Uri("http://upstream.test") }), TimeProvider.System);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";
        context.Request.Headers["X-Request-ID"] = requestId;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"model":"m","messages":[]}"""));
        context.Response.Body = new MemoryStream();
        await new RequestIdMiddleware(capture.InvokeAsync, NullLogger<RequestIdMiddleware>.Instance).InvokeAsync(context);
        return (context, seen!);
    }

    [Fact]
    public async Task QueueHasRoom_BodiesTeedAndTheCopyQueued()
    {
        var (_, body) = await ProxyAsync("with-room");

        Assert.IsType<ResponseBodyTee>(body);
        Assert.Equal(1, _queue.Depth);
        Assert.Empty(_sink.Published);
    }

    [Fact]
    public async Task QueueFullOnArrival_PassedThroughUncopied_ReportedQueueFullWithRouteAndStatus()
    {
        Assert.True(_queue.TryEnqueue(AuditJob.ForDirectAudit("filler", new AuditableExchange("m", "q", "a", []), 0)));

        var (context, body) = await ProxyAsync("overloaded");

        Assert.IsType<MemoryStream>(body); // no tee: nothing copied
        Assert.Equal("""{"choices":[]}""", Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
        var envelope = Assert.Single(_sink.Published);
        var failed = Assert.IsType<AuditFailedEvent>(envelope.Event);
        Assert.Equal(("overloaded", FailureReasons.QueueFull, false), (failed.RequestId, failed.Reason, failed.Skipped));
        Assert.Equal(("/v1/chat/completions", 200), (envelope.Details!.Route, envelope.Details.UpstreamStatus!.Value));
        Assert.True(envelope.Uncaptured);
        Assert.Null(envelope.Details.Answer);
    }

    [Fact]
    public async Task ExchangeInFlightHoldsTheLastSlot_NextOnePassesThroughUncopied_FirstStillQueued()
    {
        var upstream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = ProxyAsync("in-flight", () => upstream.Task);
        Assert.Equal((0, 1), (_queue.Depth, _queue.Reserved));

        var (_, body) = await ProxyAsync("arrived-later");
        upstream.SetResult();
        var (_, firstBody) = await first;

        Assert.IsType<MemoryStream>(body);
        Assert.IsType<ResponseBodyTee>(firstBody);
        var failed = Assert.IsType<AuditFailedEvent>(Assert.Single(_sink.Published).Event);
        Assert.Equal(("arrived-later", FailureReasons.QueueFull), (failed.RequestId, failed.Reason));
        Assert.Equal((1, 0), (_queue.Depth, _queue.Reserved));
        Assert.True(_queue.TryDequeue(out var job));
        Assert.Equal("in-flight", job.RequestId);
    }
}
