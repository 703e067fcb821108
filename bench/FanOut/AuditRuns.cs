using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;

namespace TruthTable.Bench.FanOut;

/// <summary>How fast the audit pipeline turns answers into results, seen from one feed subscriber.</summary>
public static class AuditRuns
{
    /// <summary>
    /// Posts <c>count</c> direct audits back to back (never more than half the default queue capacity waiting, so
    /// none fails with queue_full) and times until the last outcome arrives.
    /// </summary>
    public static async Task ThroughputAsync(Uri url, BenchArgs options)
    {
        var count = options.GetInt("count", 2000);
        const int MaxWaiting = 500;
        var run = Guid.NewGuid().ToString("N")[..8];
        var outcomes = 0;
        var failed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Outcome(string requestId, bool ok)
        {
            if (!requestId.StartsWith(run, StringComparison.Ordinal))
            {
                return;
            }

            if (!ok)
            {
                Interlocked.Increment(ref failed);
            }

            if (Interlocked.Increment(ref outcomes) == count)
            {
                done.TrySetResult();
            }
        }

        await using var connection = await FeedConnections.OpenAsync(url, c =>
        {
            c.On<CompleteStamp>(nameof(IAuditClient.AuditComplete), e => Outcome(e.RequestId, true));
            c.On<AuditFailedEvent>(nameof(IAuditClient.AuditFailed), e => Outcome(e.RequestId, false));
        }, nameof(IAuditClient.AuditComplete), nameof(IAuditClient.AuditFailed));
        using var client = new HttpClient();
        // Warm-up: the engine's first audits pay for JIT.
        for (var i = 0; i < 20; i++)
        {
            await DirectAudits.PostAsync(client, url);
        }

        await Task.Delay(1000);
        var start = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                while (i - Volatile.Read(ref outcomes) > MaxWaiting)
                {
                    await Task.Delay(1);
                }

                await DirectAudits.PostAsync(client, url, $"{run}-{i}");
            }
        }));
        var posted = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await done.Task.WaitAsync(TimeSpan.FromMinutes(3));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "audit-throughput",
            count,
            failed,
            postSeconds = Math.Round(posted, 2),
            seconds = Math.Round(seconds, 2),
            auditsPerSecond = Math.Round(count / seconds, 1),
        }));
    }

    /// <summary>
    /// Proxied chat completions at a fixed rate; for each, the time from the end of its response at the client to
    /// the AuditComplete for its X-Request-ID (both read from the client's own Stopwatch).
    /// </summary>
    public static async Task LatencyAsync(Uri url, BenchArgs options)
    {
        var rate = options.GetDouble("rate", 20);
        var seconds = options.GetDouble("duration", 10);
        var total = (int)(rate * seconds);
        var run = Guid.NewGuid().ToString("N")[..8];
        var answered = new ConcurrentDictionary<string, long>();
        var audited = new ConcurrentDictionary<string, long>();
        var failures = 0;
        await using var connection = await FeedConnections.OpenAsync(url, c =>
        {
            c.On<CompleteStamp>(nameof(IAuditClient.AuditComplete), e => audited.TryAdd(e.RequestId, Stopwatch.GetTimestamp()));
            c.On<AuditFailedEvent>(nameof(IAuditClient.AuditFailed), e =>
            {
                if (e.RequestId.StartsWith(run, StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref failures);
                }
            });
        }, nameof(IAuditClient.AuditComplete), nameof(IAuditClient.AuditFailed));

        using var client = ChatRequests.CreateClient();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            await Pacer.WaitUntilAsync(start + (long)(i * ticksPerRequest));
            var id = $"{run}-{i}";
            sends.Add(Task.Run(async () =>
            {
                using var request = ChatRequests.Create(url, "json", requestId: id);
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                answered[id] = Stopwatch.GetTimestamp();
            }));
        }

        await Task.WhenAll(sends);
        var wait = Stopwatch.StartNew();
        while (audited.Count(a => answered.ContainsKey(a.Key)) + failures < total && wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var latencies = answered
            .Where(a => audited.ContainsKey(a.Key))
            .Select(a => Stopwatch.GetElapsedTime(a.Value, audited[a.Key]).TotalMilliseconds);
        var p = new Percentiles(latencies);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "audit-latency",
            rate,
            seconds,
            total,
            audited = p.Count,
            failed = failures,
            p50 = Math.Round(p.At(50), 2),
            p90 = Math.Round(p.At(90), 2),
            p99 = Math.Round(p.At(99), 2),
            max = Math.Round(p.Max, 2),
        }));
    }
}
