using TruthTable.Contracts;
using TruthTable.Core.Pipeline;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EndToEnd;

/// <summary>
/// The audit service's gRPC calls start no trace Activity unless gRPC's logging is turned up: with an Activity,
/// HttpClient adds a traceparent header to each call, so the header shows whether one was started.
/// </summary>
public sealed class AuditCallTracingTests
{
    [Fact]
    public async Task AuditCalls_AtDefaultLogLevels_StartNoActivity()
    {
        var headers = await TraceParentsOfOneAuditAsync(new Dictionary<string, string?>());

        Assert.All(headers, h => Assert.Null(h));
    }

    [Fact]
    public async Task AuditCalls_WithGrpcLoggingTurnedUp_AreTraced()
    {
        var headers = await TraceParentsOfOneAuditAsync(new Dictionary<string, string?>
        {
            [$"Logging:LogLevel:{PipelineRegistration.GrpcClientLogCategory}"] = "Information",
        });

        Assert.All(headers, h => Assert.NotNull(h));
    }

    /// <summary>The traceparent header (or null) of each gRPC call one direct audit makes.</summary>
    private static async Task<List<string?>> TraceParentsOfOneAuditAsync(Dictionary<string, string?> settings)
    {
        await using var engine = await RecordingAuditEngine.StartAsync();
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        settings["Audit:Endpoint"] = engine.Address.ToString();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress, settings);
        var (connection, events) = await server.ConnectToRequestAsync("traced-1");
        await using var _ = connection;

        await server.PostDirectAuditAsync("traced-1", new { query = "q", response = "Paris is in France.", context = new[] { "Paris is in France." } });
        await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == "traced-1");

        var audits = engine.Calls.Where(c => c.Method != "HealthCheck").ToList();
        Assert.Equal(["SubmitAudit", "GetAuditResult"], audits.Select(c => c.Method));
        return [.. audits.Select(c => c.Headers.GetValue("traceparent"))];
    }
}
