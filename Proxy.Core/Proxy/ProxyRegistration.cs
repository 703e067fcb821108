using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TruthTable.Core.Capture;
using TruthTable.Core.Configuration;
using TruthTable.Core.RequestIds;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace TruthTable.Core.Proxy;

public static class ProxyRegistration
{
    private const string RouteId = "upstream";
    private const string ClusterId = "upstream";

    /// <summary>YARP forwarding every path that TruthTable does not reserve to <see cref="ProxyOptions.Upstream"/>.</summary>
    public static IServiceCollection AddTruthTableProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ProxyOptions>(configuration, ProxyOptions.SectionName);
        services.AddSingleton<CaptureBufferPool>();
        var options = configuration.GetSection(ProxyOptions.SectionName).Get<ProxyOptions>() ?? new ProxyOptions();

        var route = new RouteConfig
        {
            RouteId = RouteId,
            ClusterId = ClusterId,
            Match = new RouteMatch { Path = "{**catch-all}" },
            // Last of all endpoints: TruthTable's own endpoints and reserved-prefix fallbacks win.
            Order = int.MaxValue,
            // Transparent: no X-Forwarded-* headers added; the caller's headers (Authorization included) pass as sent.
            Transforms = [new Dictionary<string, string> { ["X-Forwarded"] = "Off" }],
        };
        var cluster = new ClusterConfig
        {
            ClusterId = ClusterId,
            Destinations = new Dictionary<string, DestinationConfig>
            {
                ["upstream"] = new() { Address = options.Upstream?.ToString() ?? "http://invalid.upstream/" },
            },
            // YARP's default of 100 s of silence is too short for slow models.
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.ActivityTimeout },
        };
        services.AddReverseProxy().LoadFromMemory([route], [cluster]);
        return services;
    }

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestIdMiddleware>();

    /// <summary>The catch-all proxy route, with the capture tee inside YARP's pipeline.</summary>
    public static IEndpointRouteBuilder MapTruthTableProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ExchangeCaptureMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
