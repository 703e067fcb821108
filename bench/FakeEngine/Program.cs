using Microsoft.AspNetCore.Server.Kestrel.Core;
using TruthTable.Bench.FakeEngine;

// An audit engine that answers at once, so a benchmark can tell the proxy's own cost from the auditing cost.
// Usage: FakeEngine --Url=http://127.0.0.1:5104 (h2c, HTTP/2 only, as the embedded engine).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var url = new Uri(builder.Configuration["Url"] ?? "http://127.0.0.1:5104");
builder.WebHost.ConfigureKestrel(k =>
    k.Listen(System.Net.IPAddress.Parse(url.Host), url.Port, l => l.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
var app = builder.Build();
app.MapGrpcService<InstantAuditService>();
app.Run();
