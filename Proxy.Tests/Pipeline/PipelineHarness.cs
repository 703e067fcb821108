using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using TruthTable.Audit.V1;
using TruthTable.Contracts;
using TruthTable.Core.Auditing;
using TruthTable.Core.Capture;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Extraction;
using TruthTable.Core.Pipeline;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Pipeline;

/// <summary>
/// The real pipeline (queue, workers, processor, gRPC client wrapper) with its two seams stood in for: the generated
/// gRPC client is mocked, and what the pipeline publishes is recorded (<see cref="Clients"/>,
/// <see cref="PublishedFor"/>). Delivery to hub clients is covered by SignalRAuditEventSinkTests and the end-to-end
/// tests.
/// </summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    public Mock<AuditService.AuditServiceClient> Grpc { get; } = new();
    public RecordingAuditClient Clients { get; } = new();
    /// <summary>The request id of each event published, in order (null for feed-only events).</summary>
    public List<string?> PublishedFor { get; } = [];
    public AuditOptions Options { get; }
    public AuditQueue Queue { get; }
    public AuditWorkerPool Workers { get; }
    /// <summary>Not started: it reports spare capacity until a test feeds it queue waits (<c>Observe</c>).</summary>
    public SpareCapacityGate Capacity { get; }
    public AuditStateCache States { get; }

    public PipelineHarness(Action<AuditOptions>? configure = null, TimeProvider? capacityClock = null)
    {
        Options = new AuditOptions
        {
            QueueCapacity = 10, Workers = 1, Timeout = TimeSpan.FromSeconds(5), ShutdownTimeout = TimeSpan.FromSeconds(5),
            PollInitialDelay = TimeSpan.FromMilliseconds(1), PollMaxDelay = TimeSpan.FromMilliseconds(5),
        };
        configure?.Invoke(Options);
        var audit = Microsoft.Extensions.Options.Options.Create(Options);
        var hubOptions = Microsoft.Extensions.Options.Options.Create(new AuditHubOptions());
        States = new AuditStateCache(hubOptions);
        var events = new AuditEventBroadcaster([States, new PipelineStats(TimeProvider.System), new RecordingSink(this)]);
        Queue = new AuditQueue(audit, events, TimeProvider.System);
        var engine = new GrpcAuditEngineClient(Grpc.Object, new AuditCircuitBreaker(audit), audit, TimeProvider.System,
            NullLogger<GrpcAuditEngineClient>.Instance);
        var proxy = Microsoft.Extensions.Options.Options.Create(new ProxyOptions { Upstream = new Uri("http://upstream.test") });
        var processor = new AuditJobProcessor(engine, new OpenAiExchangeExtractor(), events, proxy, TimeProvider.System,
            NullLogger<AuditJobProcessor>.Instance);
        Capacity = new SpareCapacityGate(audit, capacityClock ?? TimeProvider.System);
        Workers = new AuditWorkerPool(Queue, processor, Capacity, audit, TimeProvider.System, NullLogger<AuditWorkerPool>.Instance);
    }

    public Task StartAsync() => Workers.StartAsync(CancellationToken.None);

    public bool EnqueueDirect(string requestId, string answer = "Paris is the capital of France.") =>
        Queue.TryEnqueue(AuditJob.ForDirectAudit(requestId,
            new AuditableExchange("test-model", "What is the capital of France?", answer, [new ContextSnippet("d1", "Paris is the capital of France.")]),
            TimeProvider.System.GetTimestamp()));

    /// <summary>Enqueues a chat completion as the proxy captures it (JSON request and response).</summary>
    public bool EnqueueCaptured(string requestId)
    {
        static CaptureBuffer Body(string json)
        {
            var buffer = new CaptureBuffer(64 * 1024);
            buffer.Append(System.Text.Encoding.UTF8.GetBytes(json));
            return buffer;
        }

        var exchange = new CapturedExchange(requestId, "/v1/chat/completions", 200, "application/json", null, null,
            Body("""{"model":"test-model","messages":[{"role":"system","content":"Paris is the capital of France."},{"role":"user","content":"What is the capital of France?"}]}"""),
            Body("""{"choices":[{"message":{"role":"assistant","content":"Paris is the capital of France."}}]}"""),
            CaptureCompletion.Complete);
        return Queue.TryEnqueue(AuditJob.ForCapture(exchange, TimeProvider.System.GetTimestamp()));
    }

    public void EngineAnswers(AuditResult result)
    {
        Grpc.Setup(c => c.SubmitAuditAsync(It.IsAny<AuditRequest>(), It.IsAny<Grpc.Core.Metadata>(), It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()))
            .Returns(() => GrpcCalls.Success(new AuditSubmission { AuditId = result.AuditId, Status = "completed" }));
        Grpc.Setup(c => c.GetAuditResultAsync(It.IsAny<AuditResultRequest>(), null, It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()))
            .Returns(() => GrpcCalls.Success(result));
    }

    public async ValueTask DisposeAsync()
    {
        await Workers.StopAsync(CancellationToken.None);
        Workers.Dispose();
    }

    private sealed class RecordingSink(PipelineHarness harness) : IAuditEventSink
    {
        public void Publish(AuditEventEnvelope envelope)
        {
            lock (harness.PublishedFor)
            {
                harness.PublishedFor.Add(envelope.RequestId);
            }

            _ = envelope.Event switch
            {
                AuditStartedEvent e => harness.Clients.AuditStarted(e),
                AuditCompleteEvent e => harness.Clients.AuditComplete(e),
                AuditFailedEvent e => harness.Clients.AuditFailed(e),
                HealthUpdateEvent e => harness.Clients.HealthUpdate(e),
                StatsUpdateEvent e => harness.Clients.StatsUpdate(e),
                _ => throw new InvalidOperationException($"Unexpected {envelope.Event.GetType().Name}."),
            };
        }
    }
}
