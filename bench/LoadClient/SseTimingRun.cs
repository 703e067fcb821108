using System.Diagnostics;
using System.Text.Json;

namespace TruthTable.Bench.LoadClient;

/// <summary>
/// Streams SSE responses and times each event as the client sees it: time to first byte of the body after the
/// request was sent, and the gap between consecutive <c>data:</c> events. Events that arrive bunched in one read
/// count as zero gaps followed by a long one, so a proxy that buffers shows up in the tail.
/// </summary>
public static class SseTimingRun
{
    public static async Task RunAsync(BenchArgs options)
    {
        var url = new Uri(options.Get("url"));
        var streams = options.GetInt("streams", 100);
        var concurrency = options.GetInt("concurrency", 4);
        var gapMs = options.GetInt("gap-ms", 5);
        using var client = ChatRequests.CreateClient();

        // Warm the connections and the JIT, then measure.
        await RunStreamsAsync(client, url, Math.Min(streams, 8), concurrency, gapMs, [], [], new int[1]);
        var ttfb = new List<double>();
        var gaps = new List<double>();
        var errors = new int[1];
        var started = Stopwatch.GetTimestamp();
        await RunStreamsAsync(client, url, streams, concurrency, gapMs, ttfb, gaps, errors);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var t = new Percentiles(ttfb);
        var g = new Percentiles(gaps);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "sse",
            label = options.Get("label"),
            streams,
            concurrency,
            gapMs,
            errors = errors[0],
            seconds = Math.Round(seconds, 2),
            ttfbP50 = Ms(t.At(50)),
            ttfbP99 = Ms(t.At(99)),
            gapP50 = Ms(g.At(50)),
            gapP99 = Ms(g.At(99)),
            gapMax = Ms(g.Max),
            gaps = g.Count,
        }));
    }

    private static double Ms(double value) => Math.Round(value, 3);

    private static async Task RunStreamsAsync(
        HttpClient client, Uri url, int streams, int concurrency, int gapMs, List<double> ttfb, List<double> gaps, int[] errors)
    {
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var localTtfb = new List<double>();
            var localGaps = new List<double>();
            while (Interlocked.Increment(ref next) < streams)
            {
                if (!await TimeOneStreamAsync(client, url, gapMs, localTtfb, localGaps))
                {
                    Interlocked.Increment(ref errors[0]);
                }
            }

            lock (ttfb)
            {
                ttfb.AddRange(localTtfb);
                gaps.AddRange(localGaps);
            }
        });
        await Task.WhenAll(workers);
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
