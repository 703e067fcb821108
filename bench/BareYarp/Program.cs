using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

// The baseline: YARP with the same route, cluster and transforms as TruthTable's ProxyRegistration, HTTP/1.1 on
// the listen side, and nothing else (no request ids, no capture, no hub, no audit pipeline).
// Usage: BareYarp --Upstream=http://127.0.0.1:5101 --Url=http://127.0.0.1:5102
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var upstream = builder.Configuration["Upstream"] ?? throw new InvalidOperationException("--Upstream is required");
var url = new Uri(builder.Configuration["Url"] ?? "http://127.0.0.1:5102");
builder.WebHost.ConfigureKestrel(k =>
    k.Listen(System.Net.IPAddress.Parse(url.Host), url.Port, l => l.Protocols = HttpProtocols.Http1));

RouteConfig[] routes =
[
    new()
    {
        RouteId = "upstream",
        ClusterId = "upstream",
        Match = new RouteMatch { Path = "{**catch-all}" },
        Transforms = [new Dictionary<string, string> { ["X-Forwarded"] = "Off" }],
    },
];
ClusterConfig[] clusters =
[
    new()
    {
        ClusterId = "upstream",
        Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = upstream } },
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(5) },
    },
];
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
