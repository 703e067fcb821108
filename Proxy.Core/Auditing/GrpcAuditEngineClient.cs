using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using TruthTable.Audit.V1;
using TruthTable.Core.Configuration;
using TruthTable.Core.Pipeline;

namespace TruthTable.Core.Auditing;

/// <summary>
/// Audits over gRPC: SubmitAudit, then GetAuditResult with backoff until COMPLETED or FAILED, all under one
/// deadline. Works with the Python engine (SubmitAudit answers when the audit is done, "completed") and with
/// asynchronous engines ("queued"/"processing", NOT_FOUND while the result is not stored yet). An engine that returns
/// the finished result in SubmitAudit's trailers (<see cref="AuditResultTrailer"/>) saves the GetAuditResult call.
/// </summary>
public sealed partial class GrpcAuditEngineClient(
    AuditService.AuditServiceClient client,
    AuditCircuitBreaker circuitBreaker,
    IOptions<AuditOptions> options,
    TimeProvider timeProvider,
    ILogger<GrpcAuditEngineClient> logger) : IAuditEngineClient
{
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(2);

    private readonly AuditOptions _options = options.Value;

    public string CircuitState => circuitBreaker.State;

    public async Task<AuditCallResult> AuditAsync(AuditRequest request, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow().UtcDateTime + _options.Timeout;
        try
        {
            var (submission, attached) = await circuitBreaker.ExecuteAsync(
                ct => SubmitAsync(request, deadline, ct), cancellationToken);
            if (string.IsNullOrEmpty(submission.AuditId))
            {
                return AuditCallResult.Failure(FailureReasons.InvalidResult, "The audit service returned no audit id.");
            }

            if (attached?.AuditId == submission.AuditId && Conclude(attached) is { } concluded)
            {
                return concluded;
            }

            var engineSaysDone = submission.Status is "completed" or "failed";
            return await PollForResultAsync(submission.AuditId, engineSaysDone, deadline, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return AuditCallResult.Failure(FailureReasons.Shutdown, "The audit was cancelled because the host is stopping.");
        }
        catch (BrokenCircuitException)
        {
            return AuditCallResult.Failure(FailureReasons.Unavailable,
                "The audit service circuit is open after repeated failures; failing fast.");
        }
        catch (RpcException e)
        {
            Log.AuditCallFailed(logger, request.RequestId, e.StatusCode);
            return e.StatusCode switch
            {
                StatusCode.DeadlineExceeded => AuditCallResult.Failure(FailureReasons.Timeout,
                    $"The audit did not finish within {_options.Timeout.TotalSeconds:0.###} s."),
                StatusCode.Unavailable => AuditCallResult.Failure(FailureReasons.Unavailable,
                    "The audit service is unreachable."),
                StatusCode.Cancelled when cancellationToken.IsCancellationRequested => AuditCallResult.Failure(
                    FailureReasons.Shutdown, "The audit was cancelled because the host is stopping."),
                _ => AuditCallResult.Failure(FailureReasons.EngineFailed,
                    $"The audit service answered {e.StatusCode}: {Truncate(e.Status.Detail)}"),
            };
        }
    }

    /// <summary>SubmitAudit, asking for the result in its trailers; the result is null when the engine sent none.</summary>
    private async Task<(AuditSubmission Submission, AuditResult? Attached)> SubmitAsync(
        AuditRequest request, DateTime deadline, CancellationToken cancellationToken)
    {
        using var call = client.SubmitAuditAsync(request, AuditResultTrailer.Ask(), deadline, cancellationToken);
        var submission = await call.ResponseAsync;
        return (submission, AuditResultTrailer.Read(call.GetTrailers()));
    }

    /// <summary>The call's outcome for a COMPLETED or FAILED result; null while the audit is not finished.</summary>
    private static AuditCallResult? Conclude(AuditResult result) => result.Status switch
    {
        AuditStatus.Completed => AuditResultValidator.Validate(result) is { } problem
            ? AuditCallResult.Failure(FailureReasons.InvalidResult, problem)
            : AuditCallResult.Success(result),
        AuditStatus.Failed => AuditCallResult.Failure(FailureReasons.EngineFailed,
            string.IsNullOrWhiteSpace(result.ReasoningTrace)
                ? "The audit service reported the audit failed."
                : $"The audit service reported the audit failed: {Truncate(result.ReasoningTrace)}"),
        _ => null,
    };

    private async Task<AuditCallResult> PollForResultAsync(
        string auditId, bool engineSaysDone, DateTime deadline, CancellationToken cancellationToken)
    {
        var delay = _options.PollInitialDelay;
        var resultRequest = new AuditResultRequest { AuditId = auditId };
        while (true)
        {
            AuditResult? result = null;
            try
            {
                result = await circuitBreaker.ExecuteAsync(
                    ct => client.GetAuditResultAsync(resultRequest, deadline: deadline, cancellationToken: ct).ResponseAsync,
                    cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                if (engineSaysDone)
                {
                    return AuditCallResult.Failure(FailureReasons.InvalidResult,
                        "The audit service reported the audit done but has no result for its id.");
                }
            }

            if (result is not null && Conclude(result) is { } concluded)
            {
                return concluded;
            }

            // Queued, processing, unspecified or not stored yet: wait and ask again, within the one deadline.
            var now = timeProvider.GetUtcNow().UtcDateTime;
            if (now + delay >= deadline)
            {
                return AuditCallResult.Failure(FailureReasons.Timeout,
                    $"The audit did not finish within {_options.Timeout.TotalSeconds:0.###} s.");
            }

            await Task.Delay(delay, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.PollMaxDelay.Ticks));
        }
    }

    public async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.HealthCheckAsync(new HealthRequest(),
                deadline: timeProvider.GetUtcNow().UtcDateTime + HealthCheckTimeout, cancellationToken: cancellationToken);
            return response.Healthy;
        }
        catch (RpcException e)
        {
            Log.HealthCheckFailed(logger, e.StatusCode);
            return false;
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Audit call for {RequestId} failed with {StatusCode}")]
        public static partial void AuditCallFailed(ILogger logger, string requestId, StatusCode statusCode);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Audit service health check failed with {StatusCode}")]
        public static partial void HealthCheckFailed(ILogger logger, StatusCode statusCode);
    }
}
