using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;

namespace TruthTable.Bench.FanOut;

/// <summary>How fast the audit pipeline turns answers into results, seen from one feed subscriber.</summary>
public static class AuditRuns
{
    /// <summary>After a warm-up batch, posts <c>count</c> direct audits back to back and times until the last outcome.</summary>
    public static async Task ThroughputAsync(Uri url, BenchArgs options)
    {
        var count = options.GetInt("count", 2000);
        var run = Guid.NewGuid().ToString("N")[..8];
        var batch = new OutcomeCounter();
        await using var connection = await FeedConnections.OpenAsync(url, messagePack: false, c =>
        {
            c.On<CompleteStamp>(nameof(IAuditClient.AuditComplete), e => batch.Outcome(e.RequestId, ok: true));
            c.On<AuditFailedEvent>(nameof(IAuditClient.AuditFailed), e => batch.Outcome(e.RequestId, ok: false));
        }, nameof(IAuditClient.AuditComplete), nameof(IAuditClient.AuditFailed));
        using var client = new HttpClient();

        // Warm-up: tiered JIT needs a few hundred audits before the engine and the pipeline run at full speed.
        await PostBatchAsync(client, url, batch, $"{run}w", Math.Min(count, 1000));
        var timed = await PostBatchAsync(client, url, batch, $"{run}t", count);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "audit-throughput",
            count,
            failed = timed.Failed,
            postSeconds = Math.Round(timed.PostSeconds, 2),
            seconds = Math.Round(timed.Seconds, 2),
            auditsPerSecond = Math.Round(count / timed.Seconds, 1),
        }));
    }

    private sealed record BatchResult(int Failed, double PostSeconds, double Seconds);

    /// <summary>Counts the outcomes of the batch whose request ids start with the current prefix.</summary>
    private sealed class OutcomeCounter
    {
        private string _prefix = "";
        private int _outcomes;
        private int _failed;
        private int _expected;
        private TaskCompletionSource _done = new();

        public int Outcomes => Volatile.Read(ref _outcomes);

        public Task Start(string prefix, int expected)
        {
            _outcomes = 0;
            _failed = 0;
            _expected = expected;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _prefix, prefix + "-");
            return _done.Task;
        }

        public int Failed => Volatile.Read(ref _failed);

        public void Outcome(string requestId, bool ok)
        {
            if (!requestId.StartsWith(Volatile.Read(ref _prefix), StringComparison.Ordinal))
            {
                return;
            }

            if (!ok)
            {
                Interlocked.Increment(ref _failed);
            }

            if (Interlocked.Increment(ref _outcomes) == _expected)
            {
                _done.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Posts the batch from 8 senders, never more than half the default queue capacity waiting (so none fails
    /// with queue_full), and waits for every outcome.
    /// </summary>
    private static async Task<BatchResult> PostBatchAsync(HttpClient client, Uri url, OutcomeCounter counter, string prefix, int count)
    {
        const int MaxWaiting = 500;
        var done = counter.Start(prefix, count);
        var start = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                while (i - counter.Outcomes > MaxWaiting)
                {
                    await Task.Delay(1);
                }

                await DirectAudits.PostAsync(client, url, $"{prefix}-{i}");
            }
        }));
        var posted = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await done.WaitAsync(TimeSpan.FromMinutes(3));
        return new BatchResult(counter.Failed, posted, Stopwatch.GetElapsedTime(start).TotalSeconds);
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
        await using var connection = await FeedConnections.OpenAsync(url, messagePack: false, c =>
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
