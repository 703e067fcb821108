using Google.Protobuf.Collections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Contracts;
using TruthTable.Core.Auditing;
using TruthTable.Core.Capture;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Extraction;

namespace TruthTable.Core.Pipeline;

/// <summary>
/// Takes one job to exactly one outcome: a skip with its reason, or AuditStarted followed by exactly one of
/// AuditComplete or AuditFailed. Never throws.
/// </summary>
public sealed partial class AuditJobProcessor(
    IAuditEngineClient engine,
    OpenAiExchangeExtractor extractor,
    AuditEventBroadcaster events,
    IOptions<ProxyOptions> proxyOptions,
    TimeProvider timeProvider,
    ILogger<AuditJobProcessor> logger)
{
    private readonly int _maxCaptureBytes = proxyOptions.Value.MaxCaptureBytes;
    private readonly string _provider = proxyOptions.Value.Upstream?.Host ?? "";

    public async Task ProcessAsync(AuditJob job, CancellationToken cancellationToken)
    {
        using (job)
        {
            try
            {
                var exchange = job.Direct ?? Extract(job);
                if (exchange is null)
                {
                    return; // skipped, already reported
                }

                await AuditAsync(job, exchange, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Fail(job, FailureReasons.Shutdown, "The audit was cancelled because the host is stopping.");
            }
            catch (Exception e)
            {
                // A bug must not cost the outcome: the exchange still ends as AuditFailed.
                Log.JobCrashed(logger, e, job.RequestId);
                Fail(job, FailureReasons.EngineFailed, "The audit pipeline failed unexpectedly; see the host log.");
            }
        }
    }

    public void Fail(AuditJob job, string reason, string error, AuditableExchange? exchange = null) =>
        events.Failed(new AuditFailedEvent(job.RequestId, reason, error, Skipped: false, Now()),
            AuditExchangeDetails.For(job, exchange ?? job.Direct));

    private AuditableExchange? Extract(AuditJob job)
    {
        var captured = job.Captured!;
        AuditableExchange? exchange = null;
        var skip = CaptureSkip(captured) ?? ExtractOrSkip(captured, out exchange);
        if (skip is null)
        {
            return exchange;
        }

        events.Failed(new AuditFailedEvent(captured.RequestId, skip.Value.Reason, skip.Value.Detail, Skipped: true, Now()),
            AuditExchangeDetails.For(job, exchange));
        return null;
    }

    private (string Reason, string Detail)? CaptureSkip(CapturedExchange captured)
    {
        if (captured.Completion == CaptureCompletion.ClientDisconnected)
        {
            return (SkipReasons.Truncated, "The client disconnected before the response was complete.");
        }

        if (captured.Completion == CaptureCompletion.UpstreamFailed)
        {
            return (SkipReasons.Truncated, "The upstream failed before the response was complete.");
        }

        if (captured.RequestBody.Overflowed || captured.ResponseBody.Overflowed)
        {
            return (SkipReasons.TooLarge, $"A body exceeded Proxy:MaxCaptureBytes ({_maxCaptureBytes} bytes); it was proxied but not audited.");
        }

        return null;
    }

    private (string Reason, string Detail)? ExtractOrSkip(CapturedExchange captured, out AuditableExchange? exchange)
    {
        exchange = null;
        if (captured.StatusCode is < 200 or > 299)
        {
            return (SkipReasons.UpstreamStatus, $"The upstream answered {captured.StatusCode}.");
        }

        var request = CapturedBodyDecoder.Decode(captured.RequestBody.AsSequence(), captured.RequestContentEncoding, _maxCaptureBytes);
        if (!request.Succeeded)
        {
            return (request.FailureReason!, $"Request body: {request.FailureDetail}");
        }

        var response = CapturedBodyDecoder.Decode(captured.ResponseBody.AsSequence(), captured.ResponseContentEncoding, _maxCaptureBytes);
        if (!response.Succeeded)
        {
            return (response.FailureReason!, $"Response body: {response.FailureDetail}");
        }

        var outcome = extractor.Extract(captured.Path, captured.StatusCode, request.Body, response.Body, captured.ResponseContentType);
        exchange = outcome.Exchange;
        return outcome.IsAuditable ? null : (outcome.SkipReason!, outcome.SkipDetail ?? outcome.SkipReason!);
    }

    private async Task AuditAsync(AuditJob job, AuditableExchange exchange, CancellationToken cancellationToken)
    {
        var queuedMs = (long)timeProvider.GetElapsedTime(job.EnqueuedTimestamp).TotalMilliseconds;
        var details = AuditExchangeDetails.For(job, exchange);
        events.Started(new AuditStartedEvent(job.RequestId, exchange.Model,
            System.Text.Encoding.UTF8.GetByteCount(exchange.Answer), queuedMs, Now()), details);

        var result = await engine.AuditAsync(ToRequest(job.RequestId, exchange), cancellationToken);
        if (result.Result is { } audit)
        {
            events.Complete(AuditResultMapper.ToCompleteEvent(audit, job.RequestId, exchange.Model, Now()), details);
        }
        else
        {
            Fail(job, result.FailureReason!, result.FailureDetail ?? result.FailureReason!, exchange);
        }
    }

    private AuditRequest ToRequest(string requestId, AuditableExchange exchange)
    {
        var request = new AuditRequest
        {
            RequestId = requestId,
            Query = exchange.Query,
            Response = exchange.Answer,
            Model = exchange.Model,
            Provider = _provider,
            TimestampMs = Now(),
        };
        AddContext(request.Context, exchange.Context);
        return request;
    }

    private static void AddContext(RepeatedField<ContextDocument> target, IReadOnlyList<ContextSnippet> context)
    {
        foreach (var snippet in context)
        {
            target.Add(new ContextDocument { Id = snippet.Id, Content = snippet.Content });
        }
    }

    private long Now() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Audit job for {RequestId} crashed")]
        public static partial void JobCrashed(ILogger logger, Exception exception, string requestId);
    }
}
