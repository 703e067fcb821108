using System.Globalization;
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
        if (TryRead(query, "limit", errors, $"limit must be a whole number from 1 to {AuditQuery.MaxLimit}.", TryParseLimit, out int limit))
        {
            result = result with { Limit = limit };
        }

        if (TryRead(query, "before", errors, "before must be a nextCursor value from an earlier page.", AuditCursor.TryParse, out AuditCursor before))
        {
            result = result with { Before = before };
        }

        if (TryRead(query, "grade", errors, "grade must be one of A, B, C, D, F.", TryParseGrade, out string grade))
        {
            result = result with { Grade = grade };
        }

        if (TryRead(query, "hallucinated", errors, "hallucinated must be true or false.", bool.TryParse, out bool hallucinated))
        {
            result = result with { Hallucinated = hallucinated };
        }

        if (TryRead(query, "model", errors, $"model must be at most {MaxModelLength} characters.", TryParseModel, out string model))
        {
            result = result with { Model = model };
        }

        if (TryRead(query, "q", errors, $"q must be at most {TextSearch.MaxLength} characters with at least one letter or digit.", TryParseText, out string text))
        {
            result = result with { Text = text };
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

    private delegate bool Parser<T>(string text, out T value);

    /// <summary>True with the parsed value when the parameter is given and valid; an error under its name when invalid.</summary>
    private static bool TryRead<T>(
        IQueryCollection query, string name, Dictionary<string, string[]> errors, string rule, Parser<T> parse, out T value)
    {
        value = default!;
        if (Single(query, name, errors) is not { } text)
        {
            return false;
        }

        if (parse(text, out value))
        {
            return true;
        }

        errors[name] = [rule];
        return false;
    }

    private static bool TryParseLimit(string text, out int limit) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= AuditQuery.MaxLimit;

    private static bool TryParseGrade(string text, out string grade)
    {
        grade = text.ToUpperInvariant();
        return Grades.Contains(grade);
    }

    private static bool TryParseModel(string text, out string model)
    {
        model = text;
        return text.Length <= MaxModelLength;
    }

    private static bool TryParseText(string text, out string value)
    {
        value = text;
        return text.Length <= TextSearch.MaxLength && TextSearch.Words(text).Count > 0;
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
