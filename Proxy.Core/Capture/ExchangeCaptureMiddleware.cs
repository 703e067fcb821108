using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TruthTable.Core.Configuration;
using TruthTable.Core.Pipeline;
using TruthTable.Core.RequestIds;
using Yarp.ReverseProxy.Forwarder;

namespace TruthTable.Core.Capture;

/// <summary>
/// Runs inside YARP's proxy pipeline. For audited routes it swaps the request and response bodies for tees that
/// copy into pooled, bounded buffers while the bytes flow (never buffering the stream), then hands the copy to
/// the audit queue without waiting. Everything else passes through untouched, and so does an audited exchange
/// that finds no slot to reserve in the queue (it is reported as queue_full without being copied): reserving first
/// means that under overload no exchange is copied only to be turned away at the end.
/// </summary>
public sealed class ExchangeCaptureMiddleware(
    RequestDelegate next, AuditQueue queue, CaptureBufferPool pool, IOptions<ProxyOptions> options, TimeProvider timeProvider)
{
    private readonly FrozenSet<string> _auditedPaths =
        options.Value.EffectiveAuditedPaths.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    private readonly int _maxCaptureBytes = options.Value.MaxCaptureBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !_auditedPaths.Contains(request.Path.Value ?? ""))
        {
            await next(context);
            return;
        }

        if (!queue.TryReserve())
        {
            // Overloaded: the copy could not be queued anyway, so do not make it; the outcome is the same queue_full.
            try
            {
                await next(context);
            }
            finally
            {
                queue.RejectUncaptured(context.GetRequestId(), request.Path.Value ?? "", context.Response.StatusCode);
            }

            return;
        }

        var requestCapture = new CaptureBuffer(_maxCaptureBytes, pool) { ExpectedLength = request.ContentLength };
        var responseCapture = new CaptureBuffer(_maxCaptureBytes, pool);
        var requestBody = request.Body;
        var responseBody = context.Response.Body;
        request.Body = new RequestBodyTee(requestBody, requestCapture);
        context.Response.Body = new ResponseBodyTee(responseBody, responseCapture, context.Response);
        var completion = CaptureCompletion.UpstreamFailed;
        try
        {
            await next(context);
            completion = Classify(context);
        }
        finally
        {
            request.Body = requestBody;
            context.Response.Body = responseBody;
            var exchange = new CapturedExchange(
                context.GetRequestId(),
                request.Path.Value ?? "",
                context.Response.StatusCode,
                context.Response.Headers.ContentType,
                context.Response.Headers.ContentEncoding,
                request.Headers.ContentEncoding,
                requestCapture,
                responseCapture,
                completion);
            queue.EnqueueReserved(AuditJob.ForCapture(exchange, timeProvider.GetTimestamp()));
        }
    }

    private static CaptureCompletion Classify(HttpContext context)
    {
        var error = context.GetForwarderErrorFeature()?.Error;
        return error switch
        {
            null when context.RequestAborted.IsCancellationRequested => CaptureCompletion.ClientDisconnected,
            null => CaptureCompletion.Complete,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
                or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
                => CaptureCompletion.ClientDisconnected,
            ForwarderError.ResponseBodyDestination or ForwarderError.UpgradeResponseDestination
                => CaptureCompletion.UpstreamFailed,
            // No response body was relayed at all (connect failure, timeout before headers): YARP answered 502/504,
            // which the pipeline reports as an upstream_status skip.
            _ => CaptureCompletion.Complete,
        };
    }
}
