using Microsoft.Extensions.Primitives;
using TruthTable.Core.History;

namespace TruthTable.Host.Api;

/// <summary>
/// Reads the query string of GET /api/audits and /api/stats into a query, collecting every bad parameter at once
/// under its own name. An empty value counts as not given, so a form can send all its fields.
/// </summary>
internal static class HistoryQueryReader
{
    private const int MaxModelLength = 200;
    private static readonly string[] Grades = ["A", "B", "C", "D", "F"];

    public static AuditQuery? ReadAuditQuery(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var result = new AuditQuery();
        if (Single(query, "limit", errors) is { } limitText)
        {
            if (int.TryParse(limitText, out var limit) && limit is >= 1 and <= AuditQuery.MaxLimit)
            {
                result = result with { Limit = limit };
            }
            else
            {
                errors["limit"] = [$"limit must be a whole number from 1 to {AuditQuery.MaxLimit}."];
            }
        }

        if (Single(query, "before", errors) is { } beforeText)
        {
            if (AuditCursor.TryParse(beforeText, out var cursor))
            {
                result = result with { Before = cursor };
            }
            else
            {
                errors["before"] = ["before must be a nextCursor value from an earlier page."];
            }
        }

        if (Single(query, "grade", errors) is { } gradeText)
        {
            var grade = gradeText.ToUpperInvariant();
            if (Grades.Contains(grade))
            {
                result = result with { Grade = grade };
            }
            else
            {
                errors["grade"] = ["grade must be one of A, B, C, D, F."];
            }
        }

        if (Single(query, "hallucinated", errors) is { } hallucinatedText)
        {
            if (bool.TryParse(hallucinatedText, out var hallucinated))
            {
                result = result with { Hallucinated = hallucinated };
            }
            else
            {
                errors["hallucinated"] = ["hallucinated must be true or false."];
            }
        }

        if (Single(query, "model", errors) is { } model)
        {
            if (model.Length <= MaxModelLength)
            {
                result = result with { Model = model };
            }
            else
            {
                errors["model"] = [$"model must be at most {MaxModelLength} characters."];
            }
        }

        if (Single(query, "q", errors) is { } text)
        {
            if (text.Length > TextSearch.MaxLength)
            {
                errors["q"] = [$"q must be at most {TextSearch.MaxLength} characters."];
            }
            else if (TextSearch.Words(text).Count == 0)
            {
                errors["q"] = ["q must contain at least one letter or digit."];
            }
            else
            {
                result = result with { Text = text };
            }
        }

        return errors.Count == 0 ? result : null;
    }

    public static (string Text, TimeSpan Window)? ReadStatsWindow(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var text = Single(query, "window", errors) ?? StatsWindow.Default;
        if (errors.Count > 0)
        {
            return null;
        }

        if (!StatsWindow.TryParse(text, out var window))
        {
            errors["window"] = ["window " + StatsWindow.Rule];
            return null;
        }

        return (text, window);
    }

    /// <summary>The parameter's value; null when absent or empty; an error when given more than once.</summary>
    private static string? Single(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue(name, out StringValues values))
        {
            return null;
        }

        if (values.Count > 1)
        {
            errors[name] = [$"{name} must be given at most once."];
            return null;
        }

        return string.IsNullOrEmpty(values[0]) ? null : values[0];
    }
}
