using TruthTable.Core.Configuration;
using TruthTable.Core.History;
using TruthTable.Core.Hub;
using TruthTable.Core.Pipeline;
using TruthTable.Core.Proxy;
using TruthTable.Host.Api;
using TruthTable.Host.EmbeddedEngine;
using TruthTable.Host.Health;
using TruthTable.Host.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddProxyEndpoint();
builder.Services.AddProblemDetails();
builder.Services.AddTruthTableProxy(builder.Configuration);
// History and hub are registered before the pipeline so they stop after it and still take the shutdown failures.
builder.Services.AddAuditHistory(builder.Configuration);
builder.Services.AddAuditHub(builder.Configuration);
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
app.MapReservedPathFallbacks();
app.MapTruthTableProxy();

app.Run();
