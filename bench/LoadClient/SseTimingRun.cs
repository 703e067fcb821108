using System.Diagnostics;
using System.Text.Json;

namespace TruthTable.Bench.LoadClient;

/// <summary>
/// Streams SSE responses and times each event as the client sees it: time to first byte of the body after the
/// stream was due, and the gap between consecutive <c>data:</c> events. Events that arrive bunched in one read count
/// as zero gaps followed by a long one, so a proxy that buffers shows up in the tail.
/// </summary>
/// <remarks>
/// Streams start open loop at a steady rate (<c>--stream-rate</c> a second, each lasting about 200 × the upstream's
/// gap), as users' requests arrive, not in waves: a pool of workers that each start the next stream when theirs ends
/// keeps every stream's start on another's end, and then each new stream's first byte raced the audits of the streams
/// that just ended, all at once.
/// <para>
/// Targets take turns in rounds (for the reason given on <see cref="FixedRateRun"/>). A target's round starts streams
/// for a second unrecorded, until as many streams are open as under a steady load, then the recorded ones; once they
/// have all ended and their audits had a moment, the next target's round starts. So a target's recorded streams share
/// the cores with its own earlier streams' audits and with no other target's work.
/// </para>
/// </remarks>
public static class SseTimingRun
{
    private static readonly TimeSpan RoundGap = TimeSpan.FromMilliseconds(300);

    public static async Task RunAsync(BenchArgs options)
    {
        var targets = Target.FromArgs(options);
        var streams = options.GetInt("streams", 400);
        var rate = options.GetDouble("stream-rate", 40);
        var gapMs = options.GetInt("gap-ms", 5);
        var perRound = targets.Count == 1 ? streams : options.GetInt("round-streams", 80);
        var ramp = (int)Math.Ceiling(rate);

        // Warm the connections and the JIT, then measure.
        foreach (var target in targets)
        {
            await RunRoundAsync(target, rate, Math.Min(streams, 8), 0, gapMs, new Timings());
        }

        var timings = targets.ToDictionary(t => t, _ => new Timings());
        for (var round = 0; round * perRound < streams; round++)
        {
            foreach (var target in Target.InRound(targets, round))
            {
                await RunRoundAsync(target, rate, ramp, Math.Min(perRound, streams - round * perRound), gapMs, timings[target]);
                await Task.Delay(RoundGap);
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
                streamRate = rate,
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

    private static double Ms(double value) => Math.Round(value, 3);

    /// <summary>What one target's recorded streams measured, over all its rounds.</summary>
    private sealed class Timings
    {
        public List<double> Ttfb { get; } = [];

        public List<double> Gaps { get; } = [];

        public int Errors { get; set; }

        public double Seconds { get; set; }
    }

    /// <summary>One stream's timings; <see cref="Ok"/> false for an error status or a stream cut short.</summary>
    private sealed record StreamTiming(bool Ok, double Ttfb, List<double> Gaps);

    /// <summary>Starts <paramref name="unrecorded"/> then <paramref name="recorded"/> streams at the rate, and waits for all.</summary>
    private static async Task RunRoundAsync(Target target, double rate, int unrecorded, int recorded, int gapMs, Timings timings)
    {
        var ticksPerStream = Stopwatch.Frequency / rate;
        var measured = new List<Task<StreamTiming>>(recorded);
        var load = new List<Task<StreamTiming>>(unrecorded);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < unrecorded + recorded; i++)
        {
            var due = start + (long)(i * ticksPerStream);
            await Pacer.WaitUntilAsync(due);
            (i < unrecorded ? load : measured).Add(TimeOneStreamAsync(target, gapMs, due));
        }

        await Task.WhenAll(load.Concat(measured));
        foreach (var stream in measured.Select(t => t.Result))
        {
            if (!stream.Ok)
            {
                timings.Errors++;
                continue;
            }

            timings.Ttfb.Add(stream.Ttfb);
            timings.Gaps.AddRange(stream.Gaps);
        }

        timings.Seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task<StreamTiming> TimeOneStreamAsync(Target target, int gapMs, long due)
    {
        var gaps = new List<double>(200);
        try
        {
            using var request = ChatRequests.Create(target.Url, "sse", gapMs);
            using var response = await target.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                return new StreamTiming(false, 0, gaps);
            }

            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[16 * 1024];
            var ttfb = 0.0;
            long lastEvent = 0;
            var events = 0;
            var previous = (byte)0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                var now = Stopwatch.GetTimestamp();
                if (events == 0 && lastEvent == 0)
                {
                    ttfb = Stopwatch.GetElapsedTime(due, now).TotalMilliseconds;
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
            return new StreamTiming(events == 201, ttfb, gaps);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new StreamTiming(false, 0, gaps);
        }
    }
}
