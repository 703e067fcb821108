using System.Globalization;
using System.Text.Json;

namespace TruthTable.Bench.LoadClient;

/// <summary>
/// Prints the benchmark table from the JSON lines that bench/run.sh collected: per case and target, the median
/// over repetitions of each figure, the throughput ratio and the p99 difference against bare YARP. For the latency cases
/// the notes also give the p99 difference rep by rep (the targets take turns within a rep, so a rep's figures saw the
/// same machine) and its median.
/// </summary>
public static class ResultTable
{
    // bare-yarp-twin is a second, identical bare YARP: its distance from bare-yarp is what the run cannot resolve.
    private static readonly string[] Targets = ["direct", "bare-yarp", "bare-yarp-twin", "tt-no-capture", "tt-fake-engine", "tt-embedded", "tt-baseline"];

    private static readonly (string Case, string Title)[] Cases =
    [
        ("json", "(a) small JSON, max rate (wrk)"),
        ("json-rate", "(a) small JSON, fixed rate (LoadClient)"),
        ("sse", "(b) SSE 200 chunks, max rate (wrk), whole stream"),
        ("sse-ttfb", "(b) SSE time to first byte (LoadClient)"),
        ("sse-gap", "(b) SSE gap between chunks (LoadClient)"),
        ("big", "(c) 64 KiB JSON, max rate (wrk)"),
    ];

    public static void Print(string file)
    {
        var rows = File.ReadLines(file)
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToList();
        Console.WriteLine("| case | target | req/s | p50 ms | p99 ms | req/s ÷ bare | Δp99 vs bare ms | runs | load1 | notes |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (caseName, title) in Cases)
        {
            var bare = Figures(rows, caseName, "bare-yarp");
            foreach (var target in Targets)
            {
                var f = Figures(rows, caseName, target);
                if (f is null)
                {
                    continue;
                }

                var ratio = bare?.Rps is > 0 && f.Rps is > 0 ? (f.Rps / bare.Rps)?.ToString("0.00", CultureInfo.InvariantCulture) : "";
                var delta = bare is null || target == "bare-yarp" ? "" : Signed(f.P99 - bare.P99);
                var notes = f.Notes;
                if (caseName is "json-rate" or "sse-ttfb" or "sse-gap" && target != "bare-yarp" && PerRepDeltas(rows, caseName, target) is { Length: > 1 } deltas)
                {
                    var perRep = string.Join(" / ", deltas.Select(d => Signed(d)));
                    notes = $"Δp99 per rep {perRep}, median {Signed(MedianOf(deltas))}" + (notes.Length > 0 ? "; " + notes : "");
                }

                if (caseName == "json-rate" && SliceP99(rows, target) is { } sliceP99)
                {
                    var sliceDelta = target != "bare-yarp" && SliceP99(rows, "bare-yarp") is { } bareSlice ? $" ({Signed(sliceP99 - bareSlice)} vs bare)" : "";
                    notes = $"p99 of a typical slice {Fmt(sliceP99, "0.00")} ms{sliceDelta}; " + notes;
                }

                if (caseName == "json-rate" && QuietP99(rows, target) is { } quiet)
                {
                    var quietDelta = target != "bare-yarp" && QuietP99(rows, "bare-yarp") is { } bareQuiet ? $" ({Signed(quiet.P99 - bareQuiet.P99)} vs bare)" : "";
                    notes = $"p99 of the quiet seconds {Fmt(quiet.P99, "0.00")} ms{quietDelta} ({quiet.Slices} of {quiet.Of} s at steal ≤ {quiet.Steal:0.#} %, in {quiet.Reps} reps); " + notes;
                }

                Console.WriteLine($"| {title} | {target} | {Fmt(f.Rps, "0")} | {Fmt(f.P50, "0.00")} | {Fmt(f.P99, "0.00")} | {ratio} | {delta} | {f.Runs} | {Fmt(f.Load, "0.0")} | {notes} |");
            }
        }
    }

    private sealed record Row(double? Rps, double? P50, double? P99, int Runs, double? Load, string Notes);

    private static Row? Figures(List<JsonElement> rows, string caseName, string target)
    {
        var (source, p50, p99, rps) = FieldsOf(caseName);
        var matching = rows.Where(r => Str(r, "case") == source && Str(r, "target") == target).ToList();
        if (matching.Count == 0)
        {
            return null;
        }

        var notes = new List<string>();
        if (Median(matching, "errors") is > 0 and var errors)
        {
            notes.Add($"errors {errors}");
        }

        if (caseName == "sse-gap" && Median(matching, "gapMax") is { } gapMax)
        {
            notes.Add($"max gap {gapMax:0.0} ms, upstream every {Median(matching, "gapMs"):0} ms");
        }

        if (Median(matching, "stealPct") is { } steal)
        {
            notes.Add($"CPU steal {steal:0.0} %");
        }

        if (caseName == "json-rate" && Median(matching, "rate") is { } rate)
        {
            notes.Add($"target {rate:0}/s");
        }

        // Summed over the runs, not their median: a median hid the one rep in five that turned audits away. Failed
        // counts every AuditFailed, a full queue (queue_full) or an error.
        if (Sum(matching, "auditsComplete") is { } complete)
        {
            notes.Add($"over all runs: audited {complete:0}, failed {Sum(matching, "auditsFailed"):0}, skipped {Sum(matching, "auditsSkipped"):0}");
        }

        return new Row(rps is null ? null : Median(matching, rps), Median(matching, p50), Median(matching, p99), matching.Count,
            Median(matching, "load1"), string.Join("; ", notes));
    }

    /// <summary>Which recorded case a table row reads, and the names of its figures there.</summary>
    private static (string Source, string P50, string P99, string? Rps) FieldsOf(string caseName) => caseName switch
    {
        "sse-ttfb" => ("sse-timing", "ttfbP50", "ttfbP99", null),
        "sse-gap" => ("sse-timing", "gapP50", "gapP99", null),
        "json-rate" => ("json-rate", "p50", "p99", "achievedRps"),
        _ => (caseName, "p50", "p99", "rps"),
    };

    /// <summary>The median over reps of the median over a run's slices of each slice's p99 (fixed rate, interleaved).</summary>
    private static double? SliceP99(List<JsonElement> rows, string target) =>
        Median(rows.Where(r => Str(r, "case") == "json-rate" && Str(r, "target") == target).ToList(), "sliceP99Median");

    /// <summary>
    /// The median over reps of the p99 of the seconds with little CPU steal (fixed rate, interleaved), counting only reps
    /// with at least <see cref="MinQuietSlices"/> such seconds, so a p99 is not read off a handful of requests.
    /// </summary>
    private static (double P99, int Slices, int Of, int Reps, double Steal)? QuietP99(List<JsonElement> rows, string target)
    {
        var runs = rows.Where(r => Str(r, "case") == "json-rate" && Str(r, "target") == target).ToList();
        var kept = runs.Where(r => Number(r, "quietSlices") >= MinQuietSlices && Number(r, "quietP99") is not null).ToList();
        if (kept.Count == 0)
        {
            return null;
        }

        return (MedianOf(kept.Select(r => Number(r, "quietP99")!.Value)), (int)kept.Sum(r => Number(r, "quietSlices")!.Value),
            (int)runs.Sum(r => Number(r, "slices") ?? 0), kept.Count, Number(kept[0], "quietSteal") ?? double.NaN);
    }

    private const int MinQuietSlices = 3;

    private static double? Number(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>The target's p99 minus bare YARP's in each rep both were measured in, in rep order.</summary>
    private static double[] PerRepDeltas(List<JsonElement> rows, string caseName, string target)
    {
        var (source, _, p99, _) = FieldsOf(caseName);
        Dictionary<int, double> ByRep(string t) => rows
            .Where(r => Str(r, "case") == source && Str(r, "target") == t && r.TryGetProperty("rep", out _) && r.TryGetProperty(p99, out var v) && v.ValueKind == JsonValueKind.Number)
            .GroupBy(r => r.GetProperty("rep").GetInt32())
            .ToDictionary(g => g.Key, g => g.First().GetProperty(p99).GetDouble());
        var bare = ByRep("bare-yarp");
        return ByRep(target)
            .Where(kv => bare.ContainsKey(kv.Key))
            .OrderBy(kv => kv.Key)
            .Select(kv => kv.Value - bare[kv.Key])
            .ToArray();
    }

    private static string? Str(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Sum(List<JsonElement> rows, string name) =>
        rows.Select(r => Number(r, name)).OfType<double>().ToArray() is { Length: > 0 } values ? values.Sum() : null;

    private static double? Median(List<JsonElement> rows, string name)
    {
        var values = rows.Select(r => Number(r, name)).OfType<double>().ToArray();
        return values.Length == 0 ? null : MedianOf(values);
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A difference with its sign, to two decimals. A small negative one reads "+0.00", not "-+0.00": rounded
    /// first, because .NET formats a negative value that rounds to zero with the positive section and keeps the minus.</summary>
    private static string Signed(double? value) =>
        value is null || double.IsNaN(value.Value) ? "" : (Math.Round(value.Value, 2) + 0.0).ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

    private static string Fmt(double? value, string format) =>
        value is null || double.IsNaN(value.Value) ? "" : value.Value.ToString(format, CultureInfo.InvariantCulture);
}
