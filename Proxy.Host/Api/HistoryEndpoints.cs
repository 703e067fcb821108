using Microsoft.AspNetCore.Http.HttpResults;
using TruthTable.Core.History;
using TruthTable.Core.RequestIds;

namespace TruthTable.Host.Api;

public static class HistoryEndpoints
{
    /// <summary>
    /// GET /api/audits (pages of stored outcomes, newest first), GET /api/audits/{requestId} (one outcome in full),
    /// GET /api/stats (counts, hallucination rate, score and audit-time percentiles over a window).
    /// </summary>
    public static IEndpointRouteBuilder MapAuditHistoryApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/audits", ListAsync);
        api.MapGet("/audits/{requestId}", GetAsync);
        api.MapGet("/stats", StatsAsync);
        return endpoints;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync(
        HttpRequest request, AuditHistoryReader history, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var query = HistoryQueryReader.ReadAuditQuery(request.Query, errors);
        return query is null
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await history.ListAsync(query, cancellationToken));
    }

    private static async Task<Results<Ok<AuditRecord>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string requestId, AuditHistoryReader history, CancellationToken cancellationToken)
    {
        if (!RequestId.IsValid(requestId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["requestId"] = ["requestId must be 1 to 128 characters of [A-Za-z0-9._:-]."],
            });
        }

        return await history.FindLatestAsync(requestId, cancellationToken) is { } record
            ? TypedResults.Ok(record)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No stored audit",
                detail: $"No outcome is stored for request id '{requestId}' (not audited yet, or removed by retention).");
    }

    private static async Task<Results<Ok<AuditStatsReport>, ValidationProblem>> StatsAsync(
        HttpRequest request, AuditHistoryReader history, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        return HistoryQueryReader.ReadStatsWindow(request.Query, errors) is { } window
            ? TypedResults.Ok(await history.StatsAsync(window.Text, window.Window, cancellationToken))
            : TypedResults.ValidationProblem(errors);
    }
}
