using Grpc.Core;
using Grpc.Net.Client;
using TruthTable.Audit.V1;
using TruthTable.Core.Auditing;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EmbeddedEngine;

/// <summary>The embedded engine as an external client sees it: real gRPC over HTTP/2 (h2c) on its own port.</summary>
public sealed class EmbeddedAuditServiceTests : LiveServerTest
{
    private AuditService.AuditServiceClient Client()
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Server.EnginePort}");
        return new AuditService.AuditServiceClient(channel);
    }

    private static AuditRequest Request(string answer, params string[] context)
    {
        var request = new AuditRequest { RequestId = "grpc-1", Query = "q", Response = answer, Model = "m" };
        request.Context.AddRange(context.Select((c, i) => new ContextDocument { Id = $"doc-{i}", Content = c }));
        return request;
    }

    [Fact]
    public async Task SubmitAudit_ThenGetAuditResult_PythonStyleCompletedWithStoredResult()
    {
        var client = Client();

        var submission = await client.SubmitAuditAsync(Request(
            "Amsterdam is the capital of the Netherlands. It has 900,000 inhabitants.",
            "Amsterdam is the capital of the Netherlands.", "Amsterdam has about 920,000 inhabitants."));
        var result = await client.GetAuditResultAsync(new AuditResultRequest { AuditId = submission.AuditId });

        Assert.Equal("completed", submission.Status);
        Assert.Equal((submission.AuditId, "grpc-1", AuditStatus.Completed), (result.AuditId, result.RequestId, result.Status));
        Assert.Equal(2, result.Claims.Count);
        Assert.Equal(VerificationStatus.Supported, result.Claims[0].Status);
        Assert.Equal(VerificationStatus.Contradicted, result.Claims[1].Status);
        Assert.True(result.HallucinationDetected);
        Assert.InRange(result.FaithfulnessScore, 0.4f, 0.6f);
        Assert.NotEqual(TrustGrade.Unspecified, result.Grade);
        Assert.NotEmpty(result.ReasoningTrace);
        Assert.NotEmpty(result.StepTimings);
        Assert.True(result.CompletedAtMs > 0);
    }

    [Fact]
    public async Task SubmitAudit_AskedForTheResult_ReturnsTheStoredResultInItsTrailers()
    {
        var client = Client();

        using var call = client.SubmitAuditAsync(Request("Amsterdam is the capital of the Netherlands.",
            "Amsterdam is the capital of the Netherlands."), AuditResultTrailer.Ask());
        var submission = await call.ResponseAsync;
        var attached = AuditResultTrailer.Read(call.GetTrailers());
        var stored = await client.GetAuditResultAsync(new AuditResultRequest { AuditId = submission.AuditId });

        Assert.NotNull(attached);
        Assert.Equal(stored, attached);
        Assert.Equal((submission.AuditId, AuditStatus.Completed), (attached.AuditId, attached.Status));
    }

    [Fact]
    public async Task SubmitAudit_NotAsked_TrailersAsThePythonEngineSendsThem()
    {
        using var call = Client().SubmitAuditAsync(Request("Amsterdam is the capital of the Netherlands."));
        await call.ResponseAsync;

        Assert.Null(call.GetTrailers().Get(AuditResultTrailer.TrailerKey));
    }

    [Fact]
    public async Task SubmitAudit_ResultNearTheTrailerLimit_ArrivesWhole()
    {
        // Base64 in HPACK, split over CONTINUATION frames: a large trailer must survive real HTTP/2 both ways.
        var client = Client();
        for (var sentences = 30; sentences <= 70; sentences += 4)
        {
            var answer = string.Join(" ", Enumerable.Range(1, sentences).Select(i => $"Bridge number {i} crosses river {i * 7}."));
            using var call = client.SubmitAuditAsync(Request(answer, "Bridges cross rivers."), AuditResultTrailer.Ask());
            var submission = await call.ResponseAsync;
            var stored = await client.GetAuditResultAsync(new AuditResultRequest { AuditId = submission.AuditId });
            if (stored.CalculateSize() > AuditResultTrailer.MaxBytes * 3 / 4 && stored.CalculateSize() <= AuditResultTrailer.MaxBytes)
            {
                Assert.Equal(stored, AuditResultTrailer.Read(call.GetTrailers()));
                return;
            }
        }

        Assert.Fail("No answer gave a result between 12 and 16 KiB (about 270 bytes per sentence); adjust the counts.");
    }

    [Fact]
    public async Task SubmitAudit_ResultOverTheTrailerLimit_LeftToGetAuditResult()
    {
        var client = Client();
        var answer = string.Join(" ", Enumerable.Range(1, 400).Select(i => $"Bridge number {i} crosses river {i * 7}."));

        using var call = client.SubmitAuditAsync(Request(answer, "Bridges cross rivers."), AuditResultTrailer.Ask());
        var submission = await call.ResponseAsync;
        var stored = await client.GetAuditResultAsync(new AuditResultRequest { AuditId = submission.AuditId });

        Assert.True(stored.CalculateSize() > AuditResultTrailer.MaxBytes, $"result of {stored.CalculateSize()} bytes");
        Assert.Null(call.GetTrailers().Get(AuditResultTrailer.TrailerKey));
    }

    [Fact]
    public async Task SubmitAudit_NoContext_AllClaimsUnsupportedAndTraceSaysSo()
    {
        var client = Client();
        var submission = await client.SubmitAuditAsync(Request("The Eiffel Tower is in Paris."));
        var result = await client.GetAuditResultAsync(new AuditResultRequest { AuditId = submission.AuditId });

        Assert.All(result.Claims, c => Assert.Equal(VerificationStatus.Unsupported, c.Status));
        Assert.Contains("context", result.ReasoningTrace, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetAuditResult_UnknownId_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client().GetAuditResultAsync(new AuditResultRequest { AuditId = "nope" }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task SubmitAudit_EmptyAnswer_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client().SubmitAuditAsync(Request("  ")));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task HealthCheck_Healthy()
    {
        var health = await Client().HealthCheckAsync(new HealthRequest());
        Assert.True(health.Healthy);
        Assert.NotEmpty(health.Version);
    }
}
