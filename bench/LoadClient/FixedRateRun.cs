using System.Diagnostics;
using System.Text.Json;

namespace TruthTable.Bench.LoadClient;

/// <summary>
/// Open-loop load at a fixed rate (what wrk2 does; Debian has only wrk). Request i is due at start + i / rate and
/// its latency is measured from when it was due, not from when it was sent, so a stalled server is not hidden by
/// a client that politely waits (coordinated omission).
/// </summary>
public static class FixedRateRun
{
    public static async Task RunAsync(BenchArgs options)
    {
        var url = new Uri(options.Get("url"));
        var rate = options.GetDouble("rate", 1000);
        var seconds = options.GetDouble("duration", 10);
        var shape = options.Get("shape", "json");
        using var client = ChatRequests.CreateClient();

        // Warm-up at the same rate for a second, not recorded.
        await DriveAsync(client, url, shape, rate, Math.Min(2, seconds), null);
        var latencies = new double[(int)(rate * seconds)];
        var result = await DriveAsync(client, url, shape, rate, seconds, latencies, options.Get("latencies-out", ""));
        var p = new Percentiles(latencies.Take(result.Completed));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "rate",
            label = options.Get("label"),
            shape,
            rate,
            seconds,
            sent = latencies.Length,
            completed = result.Completed,
            errors = result.Errors,
            achievedRps = Math.Round(result.Completed / result.Elapsed, 1),
            p50 = Math.Round(p.At(50), 3),
            p90 = Math.Round(p.At(90), 3),
            p99 = Math.Round(p.At(99), 3),
            p999 = Math.Round(p.At(99.9), 3),
            max = Math.Round(p.Max, 3),
        }));
    }

    private sealed record DriveResult(int Completed, int Errors, double Elapsed);

    /// <param name="latenciesOut">
    /// Where to write every request's latency in ms, one line each in the order they were due (request i due at
    /// i / rate; 0 for a failed one): a stall shows as a run of lines falling by 1000 / rate ms each.
    /// </param>
    private static async Task<DriveResult> DriveAsync(
        HttpClient client, Uri url, string shape, double rate, double seconds, double[]? latencies, string latenciesOut = "")
    {
        var total = (int)(rate * seconds);
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var inFlight = new List<Task>(total);
        var completed = 0;
        var errors = 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * ticksPerRequest);
            await Pacer.WaitUntilAsync(due);

            var index = i;
            inFlight.Add(SendOneAsync(client, url, shape, due, latencies, index, () => Interlocked.Increment(ref completed), () => Interlocked.Increment(ref errors)));
        }

        await Task.WhenAll(inFlight);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        // Keep the latencies of completed requests at the front for the percentiles.
        if (latencies is not null)
        {
            if (latenciesOut.Length > 0)
            {
                await File.WriteAllLinesAsync(latenciesOut, latencies.Select(l => l.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
            }

            var kept = latencies.Where(l => l > 0).ToArray();
            Array.Clear(latencies);
            kept.CopyTo(latencies, 0);
        }

        return new DriveResult(completed, errors, elapsed);
    }

    private static async Task SendOneAsync(
        HttpClient client, Uri url, string shape, long due, double[]? latencies, int index, Action onCompleted, Action onError)
    {
        try
        {
            using var request = ChatRequests.Create(url, shape);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            if (!response.IsSuccessStatusCode)
            {
                onError();
                return;
            }

            if (latencies is not null)
            {
                latencies[index] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
            }

            onCompleted();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            onError();
        }
    }
}
