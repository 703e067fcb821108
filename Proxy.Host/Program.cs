using TruthTable.Core.Configuration;
using TruthTable.Core.History;
using TruthTable.Core.Hub;
using TruthTable.Core.Pipeline;
using TruthTable.Core.Proxy;
using TruthTable.Core.WebSockets;
using TruthTable.Host.Api;
using TruthTable.Host.Dashboard;
using TruthTable.Host.EmbeddedEngine;
using TruthTable.Host.Health;
using TruthTable.Host.Hosting;

// Before anything rents from the shared ArrayPool: the runtime reads its size once.
SharedArrayPoolSizing.ApplyBeforeFirstUse();

var builder = WebApplication.CreateBuilder(args);

builder.AddProxyEndpoint();
builder.Services.AddProblemDetails();
builder.Services.AddTruthTableProxy(builder.Configuration);
// Event sinks are registered before the pipeline so they stop after it: history still stores the shutdown failures.
builder.Services.AddAuditHistory(builder.Configuration);
builder.Services.AddAuditHub(builder.Configuration);
builder.Services.AddAuditWebSockets(builder.Configuration);
builder.Services.AddAuditPipeline(builder.Configuration);
builder.AddEmbeddedAuditEngine();
builder.Services.AddTruthTableHealthChecks();

var app = builder.Build();
app.Services.ValidateOptionsNow();

app.UseRequestIds();
app.MapAuditHub();
app.MapAuditApi();
app.MapAuditHistoryApi();
app.MapTruthTableHealthChecks();
app.MapEmbeddedAuditEngine();
app.MapDashboard();
app.MapAuditWebSockets();
app.MapReservedPathFallbacks();
app.MapTruthTableProxy();

app.Run();
