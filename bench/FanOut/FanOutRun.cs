using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;

namespace TruthTable.Bench.FanOut;

/// <summary>
/// N feed subscribers; direct audits at a fixed rate; for every AuditComplete each subscriber receives, the time from
/// the server's Timestamp (when the pipeline raised the event) to receipt. Same machine, same clock; the event's
/// Timestamp has millisecond resolution, so each figure may read up to 1 ms high. Also the server's memory per idle
/// connection, from its RSS before and after connecting.
/// </summary>
public static class FanOutRun
{
    public static async Task RunAsync(Uri url, BenchArgs options)
    {
        var subscribers = options.GetInt("subscribers", 100);
        var rate = options.GetDouble("rate", 50);
        var seconds = options.GetDouble("duration", 10);
        var serverPid = options.GetInt("server-pid", 0);
        var audits = (int)(rate * seconds);
        var protocol = options.Get("protocol", "json");
        var warmupSeconds = options.GetDouble("warmup", 40);
        var warmupRate = options.GetDouble("warmup-rate", Math.Min(rate, 50));

        var rssBefore = Rss(serverPid);
        var latencies = new double[(long)subscribers * audits + subscribers * 64];
        var received = 0L;
        var warmupReceived = 0L;
        var mine = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        // AuditFailed per audit of this run, received by any subscriber. An audit the server refused (503, its queue
        // full) also raises one, but is not expected: counting those toward the total ended the wait for delivery
        // early, with results still on their way.
        var failedById = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var refused = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        long FailedOfAccepted() => failedById.Where(f => !refused.ContainsKey(f.Key)).Sum(f => (long)f.Value);
        var connections = await FeedConnections.OpenManyAsync(url, subscribers, protocol == "messagepack", (c, _) =>
        {
            c.On<CompleteStamp>(nameof(IAuditClient.AuditComplete), e =>
            {
                var now = UnixMs();
                if (!mine.ContainsKey(e.RequestId))
                {
                    Interlocked.Increment(ref warmupReceived);
                    return;
                }

                var slot = Interlocked.Increment(ref received) - 1;
                if (slot < latencies.Length)
                {
                    latencies[slot] = now - e.Timestamp;
                }
            });
            c.On<FailedStamp>(nameof(IAuditClient.AuditFailed), e =>
            {
                if (mine.ContainsKey(e.RequestId))
                {
                    failedById.AddOrUpdate(e.RequestId, 1, (_, n) => n + 1);
                }
                else
                {
                    Interlocked.Increment(ref warmupReceived);
                }
            });
        }, nameof(IAuditClient.AuditComplete), nameof(IAuditClient.AuditFailed));
        await Task.Delay(TimeSpan.FromSeconds(3)); // let the server settle before reading its memory
        var rssConnected = Rss(serverPid);

        using var client = new HttpClient();
        // Warm-up, not recorded: a fresh server spends its first tens of seconds under this load tiering up ~19,000
        // methods (a third of its CPU in the first 40 s), which is start-up, not fan-out. At no more than 50 audits/s
        // (the code paths are the same), then until its events are delivered, so no backlog is measured.
        var warmupRun = Guid.NewGuid().ToString("N")[..8];
        var warmupPosted = 0;
        await PostAtRateAsync(client, url, warmupRate, (int)(warmupRate * warmupSeconds), i => $"warmup-{warmupRun}-{i}",
            _ => Interlocked.Increment(ref warmupPosted), _ => { });
        await WaitForDeliveryAsync(() => Interlocked.Read(ref warmupReceived), (long)warmupPosted * subscribers);

        var serverCpuStart = CpuSeconds(serverPid);
        var clientCpuStart = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var posted = 0;
        var start = Stopwatch.GetTimestamp();
        var run = Guid.NewGuid().ToString("N")[..8];
        await PostAtRateAsync(client, url, rate, audits, i =>
        {
            var id = $"fanout-{run}-{i}";
            mine[id] = 0;
            return id;
        }, _ => Interlocked.Increment(ref posted), id => refused[id] = 0);
        var expected = (long)posted * subscribers;
        await WaitForDeliveryAsync(() => Interlocked.Read(ref received) + FailedOfAccepted(), expected);

        var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var serverCpu = CpuSeconds(serverPid) - serverCpuStart;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - clientCpuStart;
        var count = (int)Math.Min(Interlocked.Read(ref received), latencies.Length);
        var failedCount = FailedOfAccepted(); // read once, so failed + missing + received add up
        var p = new Percentiles(latencies.Take(count));
        await FeedConnections.CloseAllAsync(connections);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "fanout",
            protocol,
            subscribers,
            rate,
            seconds,
            warmupSeconds,
            warmupRate,
            posted,
            expected,
            received = count,
            failed = failedCount,
            refused = refused.Count,
            missing = expected - count - failedCount,
            p50 = Math.Round(p.At(50), 1),
            p90 = Math.Round(p.At(90), 1),
            p99 = Math.Round(p.At(99), 1),
            max = Math.Round(p.Max, 1),
            elapsedSeconds = Math.Round(sendSeconds, 1),
            // CPU used while sending and receiving, in cores (2 on this machine): who is short of CPU.
            serverCores = Math.Round(serverCpu / sendSeconds, 2),
            clientCores = Math.Round(clientCpu / sendSeconds, 2),
            rssBeforeMiB = rssBefore / 1024.0 / 1024,
            rssConnectedMiB = rssConnected / 1024.0 / 1024,
            rssPerConnectionKiB = serverPid == 0 ? double.NaN : Math.Round((rssConnected - rssBefore) / 1024.0 / subscribers, 1),
        }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }

    /// <summary>Until <paramref name="expected"/> events have arrived, or 10 s without progress (stragglers).</summary>
    private static async Task WaitForDeliveryAsync(Func<long> received, long expected)
    {
        var last = -1L;
        var quietSince = Stopwatch.GetTimestamp();
        while (received() < expected && Stopwatch.GetElapsedTime(quietSince) < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(200);
            var now = received();
            if (now != last)
            {
                last = now;
                quietSince = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>Posts <paramref name="count"/> direct audits at <paramref name="rate"/> per second and waits for all.</summary>
    private static async Task PostAtRateAsync(
        HttpClient client, Uri url, double rate, int count, Func<int, string> nextId, Action<string> onPosted, Action<string> onRefused)
    {
        var ticksPerAudit = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await Pacer.WaitUntilAsync(start + (long)(i * ticksPerAudit));
            sends.Add(SendAsync(client, url, nextId(i), onPosted, onRefused));
        }

        await Task.WhenAll(sends);
    }

    private static async Task SendAsync(HttpClient client, Uri url, string id, Action<string> onPosted, Action<string> onRefused)
    {
        if (await DirectAudits.PostAsync(client, url, id))
        {
            onPosted(id);
        }
        else
        {
            onRefused(id);
        }
    }

    /// <summary>Wall-clock Unix milliseconds with sub-millisecond precision.</summary>
    private static double UnixMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>User plus system CPU seconds of a process, from /proc/PID/stat (fields 14 and 15, in clock ticks).</summary>
    private static double CpuSeconds(int pid)
    {
        if (pid == 0)
        {
            return 0;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name, field 3 is index 0: utime is field 14, stime field 15. Linux uses 100 ticks/s.
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    private static long Rss(int pid)
    {
        if (pid == 0)
        {
            return 0;
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }

        return 0;
    }
}
