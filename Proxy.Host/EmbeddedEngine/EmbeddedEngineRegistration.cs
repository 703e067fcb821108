using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Core.Configuration;
using TruthTable.Core.Engine;
using TruthTable.Core.Pipeline;
using TruthTable.Host.Hosting;

namespace TruthTable.Host.EmbeddedEngine;

public static class EmbeddedEngineRegistration
{
    /// <summary>True unless Audit:Endpoint names an external engine.</summary>
    public static bool UsesEmbeddedEngine(this IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[$"{AuditOptions.SectionName}:{nameof(AuditOptions.Endpoint)}"]);

    /// <summary>Serves AuditService on its own HTTP/2-only endpoint (h2c needs it: Http1AndHttp2 without TLS is HTTP/1.1).</summary>
    public static WebApplicationBuilder AddEmbeddedAuditEngine(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.UsesEmbeddedEngine())
        {
            return builder;
        }

        builder.Services.AddGrpc();
        builder.Services.AddSingleton<FaithfulnessAuditor>();
        builder.Services.AddSingleton<EmbeddedResultStore>();
        builder.Services.AddSingleton<EmbeddedAuditService>();
        var options = builder.Configuration.GetSection(EmbeddedEngineOptions.SectionName).Get<EmbeddedEngineOptions>()
            ?? new EmbeddedEngineOptions();
        if (options.InProcess)
        {
            // The pipeline's client calls the service directly, on the engine's own threads (one per audit worker at
            // each priority); the gRPC endpoint stays up for other clients. Replaces AddAuditPipeline's loopback
            // client, so it must come after it (EmbeddedEngineTransportTests fails otherwise).
            builder.Services.AddSingleton(sp =>
            {
                var queue = sp.GetRequiredService<AuditQueue>();
                return new EngineThreads(
                    sp.GetRequiredService<IOptions<AuditOptions>>().Value.Workers,
                    sp.GetRequiredService<IOptions<EmbeddedEngineOptions>>().Value.AuditThreadNiceness,
                    backlogged: () => queue.FallingBehind,
                    sp.GetRequiredService<ILogger<EngineThreads>>());
            });
            builder.Services.Replace(ServiceDescriptor.Singleton(sp => new AuditService.AuditServiceClient(
                new InProcessCallInvoker(
                    binder => AuditService.BindService(binder, sp.GetRequiredService<EmbeddedAuditService>()),
                    sp.GetRequiredService<EngineThreads>(),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<InProcessCallInvoker>>()))));
        }

        builder.AddListenEndpoint(options.Url, HttpProtocols.Http2);
        return builder;
    }

    public static WebApplication MapEmbeddedAuditEngine(this WebApplication app)
    {
        if (app.Configuration.UsesEmbeddedEngine())
        {
            var url = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmbeddedEngineOptions>>().Value.Url;
            // Only on the engine's own port: on the proxy port the same path is proxied like any other.
            app.MapGrpcService<EmbeddedAuditService>().RequireHost($"*:{url.Port}");
        }

        return app;
    }
}
