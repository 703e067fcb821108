using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;

namespace TruthTable.Core.Hub;

public static class HubRegistration
{
    /// <summary>The typed SignalR hub, its event sink and the periodic health and stats feed.</summary>
    public static IServiceCollection AddAuditHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuditHubOptions>(configuration, AuditHubOptions.SectionName);
        var hubOptions = configuration.GetSection(AuditHubOptions.SectionName).Get<AuditHubOptions>() ?? new AuditHubOptions();
        // JSON for browsers; MessagePack for .NET clients that opt in (smaller frames, cheaper to parse at fan-out).
        services.AddSignalR(o =>
        {
            o.KeepAliveInterval = hubOptions.KeepAliveInterval;
            o.ClientTimeoutInterval = hubOptions.ClientTimeoutInterval;
            o.MaximumReceiveMessageSize = hubOptions.MaximumReceiveMessageSize;
        }).AddMessagePackProtocol();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HubSubscribers>();
        services.AddSingleton<HubLifetimeManager<AuditHub>, AuditHubLifetimeManager>();

        services.AddSingleton<AuditStateCache>();
        // Before the SignalR sink: it skips events nobody watches yet, which a later watcher then finds in the cache.
        services.AddSingleton<IAuditEventSink>(sp => sp.GetRequiredService<AuditStateCache>());
        services.AddSingleton<SignalRAuditEventSink>();
        services.AddSingleton<IAuditEventSink>(sp => sp.GetRequiredService<SignalRAuditEventSink>());
        services.AddHostedService(sp => sp.GetRequiredService<SignalRAuditEventSink>());
        services.AddHostedService<FeedHeartbeatService>();
        return services;
    }

    public static IEndpointRouteBuilder MapAuditHub(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<AuditHub>(AuditHubPaths.Hub);
        return endpoints;
    }
}
