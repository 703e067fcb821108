using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using TruthTable.Audit.V1;
using TruthTable.Core.Auditing;
using TruthTable.Core.Configuration;
using TruthTable.Core.Pipeline;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Auditing;

public sealed class GrpcAuditEngineClientTests
{
    private readonly Mock<AuditService.AuditServiceClient> _client = new();
    private readonly AuditOptions _options = new()
    {
        Timeout = TimeSpan.FromSeconds(5),
        PollInitialDelay = TimeSpan.FromMilliseconds(1),
        PollMaxDelay = TimeSpan.FromMilliseconds(4),
        CircuitFailureThreshold = 3,
        CircuitBreakDuration = TimeSpan.FromMinutes(5),
    };

    private GrpcAuditEngineClient CreateClient() => new(
        _client.Object, new AuditCircuitBreaker(Options.Create(_options)), Options.Create(_options),
        TimeProvider.System, NullLogger<GrpcAuditEngineClient>.Instance);

    private void SetupSubmit(Func<AsyncUnaryCall<AuditSubmission>> call) =>
        _client.Setup(c => c.SubmitAuditAsync(It.IsAny<AuditRequest>(), It.IsAny<Metadata>(), It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()))
            .Returns(call);

    private void SetupResults(params Func<AsyncUnaryCall<AuditResult>>[] calls)
    {
        var queue = new Queue<Func<AsyncUnaryCall<AuditResult>>>(calls);
        _client.Setup(c => c.GetAuditResultAsync(It.IsAny<AuditResultRequest>(), null, It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()))
            .Returns(() => (queue.Count > 1 ? queue.Dequeue() : queue.Peek())());
    }

    private static AuditResult Completed(float score = 0.95f) => new()
    {
        AuditId = "a1", RequestId = "r1", Status = AuditStatus.Completed, FaithfulnessScore = score, Grade = TrustGrade.A,
        Claims = { new ClaimVerification { Claim = "c", Status = VerificationStatus.Supported, Confidence = 0.9f } },
    };

    [Fact]
    public async Task AuditAsync_PythonStyleCompletedSubmission_FetchesStoredResult()
    {
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "completed" }));
        SetupResults(() => GrpcCalls.Success(Completed()));

        var outcome = await CreateClient().AuditAsync(new AuditRequest { RequestId = "r1" }, CancellationToken.None);

        Assert.NotNull(outcome.Result);
        Assert.Equal("a1", outcome.Result.AuditId);
        _client.Verify(c => c.GetAuditResultAsync(It.Is<AuditResultRequest>(r => r.AuditId == "a1"), null, It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AuditAsync_ResultInSubmitTrailers_NoGetAuditResultCall()
    {
        var trailers = new Metadata { { AuditResultTrailer.TrailerKey, Completed(0.7f).ToByteArray() } };
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "completed" }, trailers));
        SetupResults(() => GrpcCalls.Success(Completed()));

        var outcome = await CreateClient().AuditAsync(new AuditRequest { RequestId = "r1" }, CancellationToken.None);

        Assert.Equal(0.7f, outcome.Result!.FaithfulnessScore);
        _client.Verify(c => c.SubmitAuditAsync(It.IsAny<AuditRequest>(),
            It.Is<Metadata>(m => AuditResultTrailer.IsAskedFor(m)), It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()), Times.Once);
        _client.Verify(c => c.GetAuditResultAsync(It.IsAny<AuditResultRequest>(), null, It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("another audit")]
    [InlineData("not a result")]
    [InlineData("not finished")]
    public async Task AuditAsync_TrailerResultNotThisFinishedAudit_FetchesStoredResult(string trailer)
    {
        byte[] bytes = trailer switch
        {
            "another audit" => new AuditResult(Completed(0.7f)) { AuditId = "a2" }.ToByteArray(),
            "not finished" => new AuditResult { AuditId = "a1", Status = AuditStatus.Processing }.ToByteArray(),
            _ => [0xFF, 0xFF, 0xFF],
        };
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "completed" },
            new Metadata { { AuditResultTrailer.TrailerKey, bytes } }));
        SetupResults(() => GrpcCalls.Success(Completed()));

        var outcome = await CreateClient().AuditAsync(new AuditRequest { RequestId = "r1" }, CancellationToken.None);

        Assert.Equal(0.95f, outcome.Result!.FaithfulnessScore);
        _client.Verify(c => c.GetAuditResultAsync(It.Is<AuditResultRequest>(r => r.AuditId == "a1"), null, It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AuditAsync_AsyncEngineNotFoundThenProcessing_PollsUntilCompleted()
    {
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "queued", QueuePosition = 3 }));
        SetupResults(
            () => GrpcCalls.Failure<AuditResult>(StatusCode.NotFound),
            () => GrpcCalls.Success(new AuditResult { AuditId = "a1", Status = AuditStatus.Processing }),
            () => GrpcCalls.Success(Completed(0.5f)));

        var outcome = await CreateClient().AuditAsync(new AuditRequest { RequestId = "r1" }, CancellationToken.None);

        Assert.Equal(0.5f, outcome.Result!.FaithfulnessScore);
        _client.Verify(c => c.GetAuditResultAsync(It.IsAny<AuditResultRequest>(), null, It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Fact]
    public async Task AuditAsync_CompletedButNotFound_FailsInvalidResult()
    {
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "completed" }));
        SetupResults(() => GrpcCalls.Failure<AuditResult>(StatusCode.NotFound));

        var outcome = await CreateClient().AuditAsync(new AuditRequest(), CancellationToken.None);

        Assert.Equal(FailureReasons.InvalidResult, outcome.FailureReason);
    }

    [Fact]
    public async Task AuditAsync_EngineReportsFailed_FailsEngineFailedWithTrace()
    {
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "failed" }));
        SetupResults(() => GrpcCalls.Success(new AuditResult { AuditId = "a1", Status = AuditStatus.Failed, ReasoningTrace = "model crashed" }));

        var outcome = await CreateClient().AuditAsync(new AuditRequest(), CancellationToken.None);

        Assert.Equal(FailureReasons.EngineFailed, outcome.FailureReason);
        Assert.Contains("model crashed", outcome.FailureDetail);
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public async Task AuditAsync_ScoreOutOfRange_FailsInvalidResult(float score)
    {
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "completed" }));
        SetupResults(() => GrpcCalls.Success(Completed(score)));

        var outcome = await CreateClient().AuditAsync(new AuditRequest(), CancellationToken.None);

        Assert.Equal(FailureReasons.InvalidResult, outcome.FailureReason);
    }

    [Theory]
    [InlineData(StatusCode.DeadlineExceeded, FailureReasons.Timeout)]
    [InlineData(StatusCode.Unavailable, FailureReasons.Unavailable)]
    [InlineData(StatusCode.Internal, FailureReasons.EngineFailed)]
    [InlineData(StatusCode.InvalidArgument, FailureReasons.EngineFailed)]
    public async Task AuditAsync_SubmitFails_MapsStatusToReason(StatusCode code, string reason)
    {
        SetupSubmit(() => GrpcCalls.Failure<AuditSubmission>(code, "boom"));

        var outcome = await CreateClient().AuditAsync(new AuditRequest(), CancellationToken.None);

        Assert.Equal(reason, outcome.FailureReason);
    }

    [Fact]
    public async Task AuditAsync_EngineNeverFinishes_FailsTimeoutWithinDeadline()
    {
        _options.Timeout = TimeSpan.FromMilliseconds(150);
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "queued" }));
        SetupResults(() => GrpcCalls.Success(new AuditResult { AuditId = "a1", Status = AuditStatus.Processing }));

        var outcome = await CreateClient().AuditAsync(new AuditRequest(), CancellationToken.None);

        Assert.Equal(FailureReasons.Timeout, outcome.FailureReason);
    }

    [Fact]
    public async Task AuditAsync_RepeatedUnavailable_OpensCircuitAndFailsFastWithoutCalling()
    {
        SetupSubmit(() => GrpcCalls.Failure<AuditSubmission>(StatusCode.Unavailable));
        var client = CreateClient();

        for (var i = 0; i < _options.CircuitFailureThreshold; i++)
        {
            Assert.Equal(FailureReasons.Unavailable, (await client.AuditAsync(new AuditRequest(), CancellationToken.None)).FailureReason);
        }

        var fastFail = await client.AuditAsync(new AuditRequest(), CancellationToken.None);

        Assert.Equal("open", client.CircuitState);
        Assert.Equal(FailureReasons.Unavailable, fastFail.FailureReason);
        Assert.Contains("circuit", fastFail.FailureDetail);
        _client.Verify(c => c.SubmitAuditAsync(It.IsAny<AuditRequest>(), It.IsAny<Metadata>(), It.IsAny<DateTime?>(), It.IsAny<CancellationToken>()),
            Times.Exactly(_options.CircuitFailureThreshold));
    }

    [Fact]
    public async Task AuditAsync_EngineFailedAnswers_DoNotOpenCircuit()
    {
        SetupSubmit(() => GrpcCalls.Failure<AuditSubmission>(StatusCode.InvalidArgument));
        var client = CreateClient();

        for (var i = 0; i < _options.CircuitFailureThreshold + 2; i++)
        {
            await client.AuditAsync(new AuditRequest(), CancellationToken.None);
        }

        Assert.Equal("closed", client.CircuitState);
    }

    [Fact]
    public async Task AuditAsync_CancelledByShutdown_FailsShutdown()
    {
        using var cts = new CancellationTokenSource();
        SetupSubmit(() => GrpcCalls.Success(new AuditSubmission { AuditId = "a1", Status = "queued" }));
        SetupResults(() =>
        {
            cts.Cancel();
            return GrpcCalls.Success(new AuditResult { AuditId = "a1", Status = AuditStatus.Queued });
        });

        var outcome = await CreateClient().AuditAsync(new AuditRequest(), cts.Token);

        Assert.Equal(FailureReasons.Shutdown, outcome.FailureReason);
    }
}
