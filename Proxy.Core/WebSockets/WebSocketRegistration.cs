using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;

namespace TruthTable.Core.WebSockets;

public static class WebSocketRegistration
{
    /// <summary>The paths of the Go hub's WebSocket, both served.</summary>
    public static IReadOnlyList<string> Paths { get; } = ["/ws", "/api/ws"];

    /// <summary>The plain-WebSocket audit feed: a second adapter of the same events as the SignalR hub.</summary>
    public static IServiceCollection AddAuditWebSockets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuditWebSocketOptions>(configuration, AuditWebSocketOptions.SectionName);
        services.AddSingleton<WebSocketAuditEventSink>();
        services.AddSingleton<IAuditEventSink>(sp => sp.GetRequiredService<WebSocketAuditEventSink>());
        services.AddHostedService(sp => sp.GetRequiredService<WebSocketAuditEventSink>());
        return services;
    }

    /// <summary>
    /// Maps /ws and /api/ws. The WebSocket middleware runs only on these endpoints (as SignalR does for its hub),
    /// with the keep-alive pings and allowed origins from <see cref="AuditWebSocketOptions"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapAuditWebSockets(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<AuditWebSocketOptions>>().Value;
        var webSockets = new WebSocketOptions
        {
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
        };
        foreach (var origin in options.AllowedOrigins)
        {
            webSockets.AllowedOrigins.Add(origin);
        }

        var app = endpoints.CreateApplicationBuilder();
        app.UseWebSockets(webSockets);
        app.Run(AcceptAsync);
        var pipeline = app.Build();
        foreach (var path in Paths)
        {
            endpoints.Map(path, pipeline).WithDisplayName("Audit WebSocket " + path);
        }

        return endpoints;
    }

    private static async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "WebSocket upgrade required",
                    detail: "This endpoint streams audit events over a plain WebSocket; connect with ws://.")
                .ExecuteAsync(context);
            return;
        }

        var sink = context.RequestServices.GetRequiredService<WebSocketAuditEventSink>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await sink.ServeAsync(socket, context.RequestAborted);
    }
}
