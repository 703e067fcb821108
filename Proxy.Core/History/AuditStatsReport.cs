using System.Globalization;

namespace TruthTable.Core.History;

/// <summary>
/// Outcomes recorded in a window ending now. <see cref="HallucinationRate"/> is the share of completed audits
/// with a hallucination; audit times are from AuditStarted to the result, over completed audits (nearest rank).
/// </summary>
public sealed record AuditStatsReport(
    string Window,
    long From,
    long To,
    long Total,
    long Complete,
    long Failed,
    long Skipped,
    long Hallucinated,
    double HallucinationRate,
    double? AverageScore,
    long? AuditTimeP50Ms,
    long? AuditTimeP95Ms);

/// <summary>A stats window written as a count and a unit: 15m, 1h, 24h, 7d.</summary>
public static class StatsWindow
{
    public const string Default = "1h";
    public static readonly TimeSpan Max = TimeSpan.FromDays(366);
    public const string Rule = "must be a whole number followed by m, h or d (e.g. 15m, 1h, 24h, 7d), from 1m to 366d.";

    public static bool TryParse(string? text, out TimeSpan window)
    {
        window = default;
        if (string.IsNullOrEmpty(text) || text.Length is < 2 or > 7
            || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1)
        {
            return false;
        }

        window = text[^1] switch
        {
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => TimeSpan.Zero,
        };
        return window > TimeSpan.Zero && window <= Max;
    }
}
