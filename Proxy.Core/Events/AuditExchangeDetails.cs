using TruthTable.Core.Extraction;
using TruthTable.Core.Pipeline;

namespace TruthTable.Core.Events;

/// <summary>
/// What the pipeline knows of the exchange behind an event, for sinks that keep more than clients are sent
/// (history). Never carries headers. Text fields are null when the exchange was skipped before extraction.
/// </summary>
public sealed record AuditExchangeDetails(
    string Route,
    int? UpstreamStatus,
    string Model,
    string? Query,
    string? Answer,
    IReadOnlyList<ContextSnippet>? Context)
{
    public const string DirectAuditRoute = "/api/audits";

    public static AuditExchangeDetails For(AuditJob job, AuditableExchange? exchange) => new(
        job.Captured?.Path ?? DirectAuditRoute,
        job.Captured?.StatusCode,
        exchange?.Model ?? "",
        exchange?.Query,
        exchange?.Answer,
        exchange?.Context);
}
