using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Core.Auditing;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Extraction;

namespace TruthTable.Core.Pipeline;

public static class PipelineRegistration
{
    /// <summary>The log category prefix of the gRPC client (its calls log under Grpc.Net.Client.Internal.GrpcCall).</summary>
    public const string GrpcClientLogCategory = "Grpc.Net.Client";

    /// <summary>
    /// The audit queue, its workers and the resilient gRPC client of the audit service (external
    /// <see cref="AuditOptions.Endpoint"/>, or the embedded engine's <see cref="EmbeddedEngineOptions.Url"/>).
    /// </summary>
    public static IServiceCollection AddAuditPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuditOptions>(configuration, AuditOptions.SectionName);
        services.AddValidatedOptions<EmbeddedEngineOptions>(configuration, EmbeddedEngineOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<AuditEventBroadcaster>();
        services.AddSingleton<PipelineStats>();
        services.AddSingleton<IAuditEventSink>(sp => sp.GetRequiredService<PipelineStats>());
        services.AddSingleton<AuditQueue>();
        services.AddSingleton<OpenAiExchangeExtractor>();
        services.AddSingleton<AuditJobProcessor>();
        services.AddSingleton<SpareCapacityGate>();
        services.AddHostedService(sp => sp.GetRequiredService<SpareCapacityGate>());
        services.AddHostedService<AuditWorkerPool>();

        services.AddSingleton<AuditCircuitBreaker>();
        services.AddSingleton<IAuditEngineClient, GrpcAuditEngineClient>();
        services.AddSingleton<AuditServiceHealth>();
        services.AddGrpcClient<AuditService.AuditServiceClient>((sp, client) =>
            {
                var audit = sp.GetRequiredService<IOptions<AuditOptions>>().Value;
                client.Address = audit.Endpoint ?? sp.GetRequiredService<IOptions<EmbeddedEngineOptions>>().Value.Url;
            })
            .ConfigureChannel((sp, channel) =>
            {
                var audit = sp.GetRequiredService<IOptions<AuditOptions>>().Value;
                channel.ServiceConfig = new ServiceConfig { MethodConfigs = { UnavailableRetry(audit.MaxAttempts) } };
                // With any logger enabled, gRPC starts an Activity per call, and HttpClient a second one that adds a
                // traceparent header: ~4.5 KB per audit (a tenth of an audited request's allocations) for call logs
                // that print nothing below Information. The channel gets the app's loggers only when they would.
                var loggers = sp.GetRequiredService<ILoggerFactory>();
                if (!loggers.CreateLogger(GrpcClientLogCategory).IsEnabled(LogLevel.Information))
                {
                    channel.LoggerFactory = NullLoggerFactory.Instance;
                }
            })
            // HttpClientFactory's per-request logging scopes cost CPU on every audit call and log nothing at the
            // configured levels; failures are logged by GrpcAuditEngineClient with the request id instead.
            .RemoveAllLoggers();
        return services;
    }

    /// <summary>
    /// The one retry layer: gRPC's own, for calls answered UNAVAILABLE and for transport failures (connection refused
    /// or reset), which gRPC reports as UNAVAILABLE too. A second, HTTP-level retry under it would multiply the
    /// attempts (3 × 3: nine for MaxAttempts 3, AuditClientRetryTests). gRPC's backoff is randomized, so workers do not retry in step.
    /// </summary>
    private static MethodConfig UnavailableRetry(int maxAttempts) => new()
    {
        Names = { MethodName.Default },
        RetryPolicy = maxAttempts < 2
            ? null
            : new RetryPolicy
            {
                MaxAttempts = maxAttempts,
                InitialBackoff = TimeSpan.FromMilliseconds(200),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
    };
}
