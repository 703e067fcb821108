using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TruthTable.Core.Configuration;
using TruthTable.Core.Pipeline;
using TruthTable.Core.RequestIds;

namespace TruthTable.Host.Api;

public static class DirectAuditEndpoints
{
    public sealed record DirectAuditAccepted(string RequestId);

    /// <summary>POST /api/audits: audit an answer without an LLM, through the same pipeline and hub.</summary>
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapPost("/audits", SubmitAsync);
        return endpoints;
    }

    private static async Task<Results<Accepted<DirectAuditAccepted>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        HttpContext context, AuditQueue queue, TimeProvider timeProvider, IOptions<ProxyOptions> options)
    {
        var errors = new Dictionary<string, string[]>();
        if (context.Request.ContentLength > options.Value.MaxCaptureBytes)
        {
            errors["body"] = [$"The body must be at most {options.Value.MaxCaptureBytes} bytes."];
            return TypedResults.ValidationProblem(errors);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException e)
        {
            errors["body"] = [$"The body is not valid JSON: {e.Message}"];
            return TypedResults.ValidationProblem(errors);
        }

        using (document)
        {
            var exchange = DirectAuditRequestReader.Read(document.RootElement, errors);
            if (exchange is null)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var requestId = context.GetRequestId();
            if (!queue.TryEnqueue(AuditJob.ForDirectAudit(requestId, exchange, timeProvider.GetTimestamp())))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The audit queue is full.", extensions: new Dictionary<string, object?> { ["reason"] = FailureReasons.QueueFull, ["requestId"] = requestId });
            }

            return TypedResults.Accepted($"/api/audits/{requestId}", new DirectAuditAccepted(requestId));
        }
    }
}
