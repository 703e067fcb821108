using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TruthTable.Bench.LoadClient;

/// <summary>
/// Open-loop load at a fixed rate (what wrk2 does; Debian has only wrk). Request i is due at start + i / rate and
/// its latency is measured from when it was due, not from when it was sent, so a stalled server is not hidden by
/// a client that politely waits (coordinated omission).
/// </summary>
/// <remarks>
/// With several targets the run is cut into slices (<c>--slice</c> seconds, 1 by default) that take turns: target A
/// for a slice, then B, then C, then A again, until each has had <c>--duration</c> seconds. On a shared machine the
/// neighbours' bursts come and go over seconds; measured one after the other, one target could get a whole quiet
/// 10 s and the next a noisy one, and the p99 difference between them was mostly that (docs/PERFORMANCE.md, runs X and
/// Y: the upstream alone moved 3.7–24.5 ms between reps). Interleaved, every target sees the same weather.
/// </remarks>
public static class FixedRateRun
{
    // Between slices, so work a target still does after its slice (audits, history writes) lands in the gap rather
    // than in the next target's slice.
    private static readonly TimeSpan SliceGap = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(BenchArgs options)
    {
        var targets = Target.FromArgs(options);
        var rate = options.GetDouble("rate", 1000);
        var seconds = options.GetDouble("duration", 10);
        var slice = targets.Count == 1 ? seconds : options.GetDouble("slice", 1);
        var shape = options.Get("shape", "json");
        var latenciesOut = options.Get("latencies-out", "");
        // A slice is "quiet" when the hypervisor took no more than this share of the CPU during it.
        var quietSteal = options.GetDouble("quiet-steal", 1.0);

        // Warm-up at the same rate for a second or two each, not recorded.
        foreach (var target in targets)
        {
            await DriveAsync(target, shape, rate, Math.Min(2, seconds));
        }

        var rounds = (int)Math.Ceiling(seconds / slice);
        var results = targets.ToDictionary(t => t, _ => new List<DriveResult>(rounds));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var target in Target.InRound(targets, round))
            {
                results[target].Add(await DriveAsync(target, shape, rate, Math.Min(slice, seconds - round * slice)));
                if (targets.Count > 1)
                {
                    await Task.Delay(SliceGap);
                }
            }
        }

        foreach (var target in targets)
        {
            var slices = results[target];
            // Every request's latency in due order (0 for a failed one): a stall shows as a run of lines falling by
            // 1000 / rate ms each.
            if (latenciesOut.Length > 0)
            {
                var file = targets.Count == 1 ? latenciesOut : $"{latenciesOut}.{target.Label}";
                await File.WriteAllLinesAsync(file, slices.SelectMany(s => s.Latencies).Select(l => l.ToString("F3", CultureInfo.InvariantCulture)));
            }

            var sent = slices.Sum(s => s.Latencies.Length);
            var completed = slices.Sum(s => s.Completed);
            var p = new Percentiles(slices.SelectMany(s => s.Latencies).Where(l => l > 0));
            // The p99 of each slice, and their median: what a typical second looked like. A stall of the machine that
            // hits one slice in ten moves the p99 of the whole run (a 100 ms stall is 1 % of 10,000 requests) but not
            // this; a cost the proxy pays every second (its collections, its audits) shows in both.
            var sliceP99s = slices.Select(s => new Percentiles(s.Latencies.Where(l => l > 0))).Where(s => s.Count > 0).Select(s => s.At(99)).ToArray();
            // The same p99 over the quiet slices only: the targets take turns, so each keeps the seconds the
            // hypervisor left alone in about the same share. It narrows the spread other guests cause, not all of it
            // (docs/PERFORMANCE.md, runs Q3 and Q4: capture off read -0.59 and +0.83 ms by it).
            var quiet = slices.Where(s => s.StealPercent <= quietSteal).ToList();
            var quietP = new Percentiles(quiet.SelectMany(s => s.Latencies).Where(l => l > 0));
            var steals = slices.Select(s => s.StealPercent).OfType<double>().ToArray();
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                kind = "rate",
                label = target.Label,
                shape,
                rate,
                seconds,
                slices = slices.Count,
                sent,
                completed,
                errors = slices.Sum(s => s.Errors),
                achievedRps = Math.Round(completed / slices.Sum(s => s.Elapsed), 1),
                p50 = Math.Round(p.At(50), 3),
                p90 = Math.Round(p.At(90), 3),
                p99 = Math.Round(p.At(99), 3),
                p999 = Math.Round(p.At(99.9), 3),
                max = Math.Round(p.Max, 3),
                sliceP99Median = slices.Count > 1 && sliceP99s.Length > 0 ? Math.Round(new Percentiles(sliceP99s).At(50), 3) : (double?)null,
                sliceStealMedian = steals.Length > 0 ? Math.Round(new Percentiles(steals).At(50), 2) : (double?)null,
                quietSteal,
                quietSlices = quiet.Count,
                quietRequests = quietP.Count,
                quietP99 = quietP.Count > 0 ? Math.Round(quietP.At(99), 3) : (double?)null,
            }));
        }
    }

    /// <param name="Latencies">Each request's latency in ms in the order they were due; 0 for a failed one.</param>
    /// <param name="StealPercent">The machine's CPU steal from the first request due to the last one answered; null
    /// where it cannot be read.</param>
    private sealed record DriveResult(double[] Latencies, int Completed, int Errors, double Elapsed, double? StealPercent);

    private static async Task<DriveResult> DriveAsync(Target target, string shape, double rate, double seconds)
    {
        var total = (int)(rate * seconds);
        var latencies = new double[total];
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var inFlight = new List<Task>(total);
        var completed = 0;
        var errors = 0;
        var stealAtStart = CpuSteal.Read();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * ticksPerRequest);
            await Pacer.WaitUntilAsync(due);

            var index = i;
            inFlight.Add(SendOneAsync(target, shape, due, latencies, index, () => Interlocked.Increment(ref completed), () => Interlocked.Increment(ref errors)));
        }

        await Task.WhenAll(inFlight);
        return new DriveResult(latencies, completed, errors, Stopwatch.GetElapsedTime(start).TotalSeconds,
            CpuSteal.PercentBetween(stealAtStart, CpuSteal.Read()));
    }

    private static async Task SendOneAsync(
        Target target, string shape, long due, double[] latencies, int index, Action onCompleted, Action onError)
    {
        try
        {
            using var request = ChatRequests.Create(target.Url, shape);
            using var response = await target.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            if (!response.IsSuccessStatusCode)
            {
                onError();
                return;
            }

            latencies[index] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
            onCompleted();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            onError();
        }
    }
}
