using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TruthTable.Audit.V1;

namespace TruthTable.Tests.Infrastructure;

/// <summary>
/// An external audit service on a real Kestrel HTTP/2 port that answers every audit at once and records the
/// metadata of each call it receives.
/// </summary>
public sealed class RecordingAuditEngine : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingAuditEngine(WebApplication app, Uri address, ConcurrentQueue<(string, Metadata)> calls)
    {
        _app = app;
        Address = address;
        Calls = calls;
    }

    public Uri Address { get; }

    /// <summary>Method name and request headers of every call, in arrival order.</summary>
    public ConcurrentQueue<(string Method, Metadata Headers)> Calls { get; }

    public static async Task<RecordingAuditEngine> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        var calls = new ConcurrentQueue<(string, Metadata)>();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(calls);
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        return new RecordingAuditEngine(app, new Uri($"http://127.0.0.1:{port}"), calls);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class Service(ConcurrentQueue<(string, Metadata)> calls) : AuditService.AuditServiceBase
    {
        public override Task<AuditSubmission> SubmitAudit(AuditRequest request, ServerCallContext context)
        {
            calls.Enqueue((nameof(SubmitAudit), context.RequestHeaders));
            return Task.FromResult(new AuditSubmission { AuditId = "rec-" + request.RequestId, Status = "completed" });
        }

        public override Task<AuditResult> GetAuditResult(AuditResultRequest request, ServerCallContext context)
        {
            calls.Enqueue((nameof(GetAuditResult), context.RequestHeaders));
            return Task.FromResult(new AuditResult
            {
                AuditId = request.AuditId,
                RequestId = request.AuditId["rec-".Length..],
                Status = AuditStatus.Completed,
                FaithfulnessScore = 1f,
                Grade = TrustGrade.A,
                ReasoningTrace = "recorded",
                Claims = { new ClaimVerification { Claim = "c", Status = VerificationStatus.Supported, Confidence = 1f } },
            });
        }

        public override Task<HealthResponse> HealthCheck(HealthRequest request, ServerCallContext context) =>
            Task.FromResult(new HealthResponse { Healthy = true, Version = "recording" });
    }
}
