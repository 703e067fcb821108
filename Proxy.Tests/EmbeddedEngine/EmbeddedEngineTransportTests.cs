using System.Diagnostics.Metrics;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EmbeddedEngine;

/// <summary>
/// By default the pipeline calls the embedded engine in this process; <c>EmbeddedEngine:InProcess=false</c> sends it
/// through the engine's gRPC endpoint like an external engine. HttpClient's request metric, filtered to the engine's
/// port, tells the two apart.
/// </summary>
public sealed class EmbeddedEngineTransportTests
{
    [Fact]
    public async Task DefaultSettings_AuditCompletes_WithoutAnHttpRequestToTheEnginePort()
    {
        var (complete, engineRequests) = await AuditOnceAsync(new Dictionary<string, string?>());

        Assert.Equal("transport-1", complete.RequestId);
        Assert.Equal(0, engineRequests);
    }

    [Fact]
    public async Task InProcessFalse_AuditCompletes_OverTheEnginesGrpcEndpoint()
    {
        var (complete, engineRequests) = await AuditOnceAsync(new Dictionary<string, string?> { ["EmbeddedEngine:InProcess"] = "false" });

        Assert.Equal("transport-1", complete.RequestId);
        Assert.True(engineRequests >= 1, $"{engineRequests} HTTP requests to the engine port");
    }

    [Theory]
    [InlineData(null, "engine-nice-")]
    [InlineData("0", "engine-")]
    public async Task DefaultSettings_AuditsRunOnLoweredThreads_NicenessZeroOnNormalOnes(string? niceness, string threadPrefix)
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        var settings = new Dictionary<string, string?>();
        if (niceness is not null)
        {
            settings["EmbeddedEngine:AuditThreadNiceness"] = niceness;
        }

        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress, settings);

        // An empty audit queue: nothing is backed up, so a lowered thread takes the call if there are any.
        var ranOn = await server.GetService<TruthTable.Host.EmbeddedEngine.EngineThreads>()
            .RunAsync(() => Task.FromResult(Thread.CurrentThread.Name));

        Assert.Matches($"^{threadPrefix}[0-9]+$", ranOn);
    }

    private static async Task<(AuditCompleteEvent Complete, int EngineRequests)> AuditOnceAsync(Dictionary<string, string?> settings)
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress, settings);
        var engineRequests = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument is { Meter.Name: "System.Net.Http", Name: "http.client.request.duration" })
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "server.port", Value: int port } && port == server.EnginePort)
                {
                    Interlocked.Increment(ref engineRequests);
                }
            }
        });
        listener.Start();
        var (connection, events) = await server.ConnectToRequestAsync("transport-1");
        await using var _ = connection;

        await server.PostDirectAuditAsync("transport-1", new { query = "q", response = "Paris is in France.", context = new[] { "Paris is in France." } });
        var complete = await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == "transport-1");

        return (complete, Volatile.Read(ref engineRequests));
    }
}
