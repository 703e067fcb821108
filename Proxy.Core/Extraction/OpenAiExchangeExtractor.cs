using System.Text.Json;

namespace TruthTable.Core.Extraction;

/// <summary>
/// Turns one captured, already-decoded OpenAI-compatible exchange into something to audit, or a skip with a reason.
/// Runs on the background worker, never on the request path; never throws on bad input.
/// </summary>
public sealed class OpenAiExchangeExtractor
{
    public ExtractionOutcome Extract(
        string path,
        int statusCode,
        ReadOnlyMemory<byte> requestBody,
        ReadOnlyMemory<byte> responseBody,
        string? responseContentType)
    {
        if (statusCode is < 200 or > 299)
        {
            return ExtractionOutcome.Skip(SkipReasons.UpstreamStatus, $"upstream returned {statusCode}");
        }

        if (CompletionEndpoints.FromPath(path) is not { } endpoint)
        {
            return ExtractionOutcome.Skip(SkipReasons.Unparseable, "path is not a completions endpoint");
        }

        try
        {
            if (!ChatRequestReader.TryRead(endpoint, requestBody, out var request, out var skip))
            {
                return skip;
            }

            if (!ChatResponseReader.TryRead(responseBody, responseContentType, out var response, out skip))
            {
                return skip;
            }

            // The requested name is what the client chose; the response's is the fallback when it named none.
            var model = request.Model ?? response.Model ?? string.Empty;
            return ExtractionOutcome.Audit(new AuditableExchange(model, request.Query, response.Answer, request.Context));
        }
        catch (InvalidOperationException)
        {
            // JsonElement.GetString throws this when a string holds bytes that are not valid UTF-8.
            return ExtractionOutcome.Skip(SkipReasons.Unparseable, "body has a string that is not valid UTF-8");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException)
        {
            // Belt and braces: a malformed body must become a skip, never a crashed worker.
            return ExtractionOutcome.Skip(SkipReasons.Unparseable, $"body could not be read ({ex.GetType().Name})");
        }
    }
}
