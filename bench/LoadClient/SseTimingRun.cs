using System.Diagnostics;
using System.Text.Json;

namespace TruthTable.Bench.LoadClient;

/// <summary>
/// Streams SSE responses and times each event as the client sees it: time to first byte of the body after the
/// request was sent, and the gap between consecutive <c>data:</c> events. Events that arrive bunched in one read
/// count as zero gaps followed by a long one, so a proxy that buffers shows up in the tail.
/// </summary>
/// <remarks>
/// With several targets (<c>--targets</c>) the streams are run in rounds that take turns between them, for the reason
/// given on <see cref="FixedRateRun"/>. In a round each target gets two waves of <c>--concurrency</c> streams back to
/// back and only the second is recorded: its streams start while the first wave's exchanges are being audited, as
/// they do under a steady load, and the previous target's leftover work (its audits) falls on the unrecorded wave.
/// </remarks>
public static class SseTimingRun
{
    public static async Task RunAsync(BenchArgs options)
    {
        var targets = Target.FromArgs(options);
        var streams = options.GetInt("streams", 100);
        var concurrency = options.GetInt("concurrency", 4);
        var gapMs = options.GetInt("gap-ms", 5);
        var perRound = targets.Count == 1 ? streams : concurrency;

        // Warm the connections and the JIT, then measure.
        foreach (var target in targets)
        {
            await RunStreamsAsync(target, Math.Min(streams, 8), concurrency, gapMs, new Timings(), unrecorded: 0);
        }

        var timings = targets.ToDictionary(t => t, _ => new Timings());
        for (var round = 0; round * perRound < streams; round++)
        {
            foreach (var target in Target.InRound(targets, round))
            {
                var recorded = Math.Min(perRound, streams - round * perRound);
                var unrecorded = targets.Count == 1 ? 0 : recorded;
                await RunStreamsAsync(target, unrecorded + recorded, concurrency, gapMs, timings[target], unrecorded);
            }
        }

        foreach (var target in targets)
        {
            var timing = timings[target];
            var t = new Percentiles(timing.Ttfb);
            var g = new Percentiles(timing.Gaps);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                kind = "sse",
                label = target.Label,
                streams,
                concurrency,
                gapMs,
                errors = timing.Errors,
                seconds = Math.Round(timing.Seconds, 2),
                ttfbP50 = Ms(t.At(50)),
                ttfbP99 = Ms(t.At(99)),
                gapP50 = Ms(g.At(50)),
                gapP99 = Ms(g.At(99)),
                gapMax = Ms(g.Max),
                gaps = g.Count,
            }));
        }
    }

    /// <summary>What one target's streams measured, over all its rounds.</summary>
    private sealed class Timings
    {
        public List<double> Ttfb { get; } = [];

        public List<double> Gaps { get; } = [];

        public int Errors { get; set; }

        public double Seconds { get; set; }
    }

    private static double Ms(double value) => Math.Round(value, 3);

    /// <param name="unrecorded">How many of the first streams only make load.</param>
    private static async Task RunStreamsAsync(Target target, int streams, int concurrency, int gapMs, Timings timings, int unrecorded)
    {
        var next = -1;
        var errors = 0;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, Math.Min(concurrency, streams)).Select(async _ =>
        {
            var localTtfb = new List<double>();
            var localGaps = new List<double>();
            var ignoredTtfb = new List<double>();
            var ignoredGaps = new List<double>();
            int index;
            while ((index = Interlocked.Increment(ref next)) < streams)
            {
                var record = index >= unrecorded;
                if (!await TimeOneStreamAsync(target.Client, target.Url, gapMs, record ? localTtfb : ignoredTtfb, record ? localGaps : ignoredGaps)
                    && record)
                {
                    Interlocked.Increment(ref errors);
                }
            }

            lock (timings)
            {
                timings.Ttfb.AddRange(localTtfb);
                timings.Gaps.AddRange(localGaps);
            }
        });
        await Task.WhenAll(workers);
        timings.Errors += errors;
        timings.Seconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<bool> TimeOneStreamAsync(HttpClient client, Uri url, int gapMs, List<double> ttfb, List<double> gaps)
    {
        using var request = ChatRequests.Create(url, "sse", gapMs);
        var sent = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 * 1024];
        long lastEvent = 0;
        var events = 0;
        var previous = (byte)0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            var now = Stopwatch.GetTimestamp();
            if (events == 0 && lastEvent == 0)
            {
                ttfb.Add(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
                lastEvent = now;
            }

            // An event ends with a blank line ("\n\n"); every end seen in this read arrived now.
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n' && previous == (byte)'\n')
                {
                    if (events > 0)
                    {
                        gaps.Add(Stopwatch.GetElapsedTime(lastEvent, now).TotalMilliseconds);
                    }

                    lastEvent = now;
                    events++;
                }

                previous = buffer[i];
            }
        }

        // 200 chunks and the [DONE] sentinel.
        return events == 201;
    }
}
