using System.Text.Json;
using TruthTable.Core.Extraction;

namespace TruthTable.Host.Api;

/// <summary>
/// Reads the body of POST /api/audits: {query, response, context: [string] or [{id, content}], model?}.
/// Collects every problem, keyed by field, for one problem-details answer.
/// </summary>
public static class DirectAuditRequestReader
{
    public const int MaxTextLength = 256 * 1024;
    public const int MaxContextDocuments = 256;

    public static AuditableExchange? Read(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object."];
            return null;
        }

        var query = ReadText(body, "query", required: true, errors);
        var response = ReadText(body, "response", required: true, errors);
        var model = ReadText(body, "model", required: false, errors) ?? "";
        var context = ReadContext(body, errors);
        return errors.Count == 0 ? new AuditableExchange(model, query!, response!, context) : null;
    }

    private static string? ReadText(JsonElement body, string field, bool required, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors[field] = [$"'{field}' is required."];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[field] = [$"'{field}' must be a string."];
            return null;
        }

        var text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            errors[field] = [$"'{field}' must not be empty."];
        }
        else if (text.Length > MaxTextLength)
        {
            errors[field] = [$"'{field}' must be at most {MaxTextLength} characters."];
        }

        return text;
    }

    private static IReadOnlyList<ContextSnippet> ReadContext(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("context", out var context) || context.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (context.ValueKind != JsonValueKind.Array)
        {
            errors["context"] = ["'context' must be an array of strings or of {id, content} objects."];
            return [];
        }

        if (context.GetArrayLength() > MaxContextDocuments)
        {
            errors["context"] = [$"'context' may hold at most {MaxContextDocuments} documents."];
            return [];
        }

        var snippets = new List<ContextSnippet>();
        var index = 0;
        foreach (var item in context.EnumerateArray())
        {
            var field = $"context[{index}]";
            switch (item.ValueKind)
            {
                case JsonValueKind.String:
                    snippets.Add(new ContextSnippet(field, item.GetString()!));
                    break;
                case JsonValueKind.Object when item.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String:
                    var id = item.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String
                        ? idValue.GetString()!
                        : field;
                    snippets.Add(new ContextSnippet(id, content.GetString()!));
                    break;
                default:
                    errors[field] = ["Each context document must be a string or an object with a string 'content'."];
                    break;
            }

            index++;
        }

        return snippets;
    }
}
