// The 10,000-audit burst through the history sink (issue 4): what the pipeline's threads pay per Publish with
// and without the history, how fast the writer commits, how deep the backlog gets, and that overflow is counted.
//
//   dotnet run -c Release --project bench/History [-- --audits 10000 --threads 2 --rate 2000]
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Bench.History;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.History;
using TruthTable.Core.Pipeline;

var config = new ConfigurationBuilder().AddCommandLine(args).Build();
var audits = config.GetValue("audits", 10_000);
var threads = config.GetValue("threads", 2);
var rate = config.GetValue("rate", 1_000);

Console.WriteLine($"# History burst: {audits:N0} audits (AuditStarted + outcome each) from {threads} publishing threads");
Console.WriteLine($"# {Environment.ProcessorCount} cores, .NET {Environment.Version}, {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC" +
    (File.Exists("/proc/loadavg") ? $", load average {File.ReadAllText("/proc/loadavg").Trim()}" : ""));
Console.WriteLine();
Console.WriteLine("| scenario | Publish p50 µs | p99 µs | p99.9 µs | max µs | burst ms | written | rows/s | backlog peak | dropped | process CPU ms |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");

// Baseline: the in-memory sinks every host has (state cache, running stats), no history.
Report("no history (baseline), burst", await RunAsync(history: null, audits, threads, pacePerSecond: 0));
Report("history, burst, QueueCapacity 10000", await RunAsync(new HistoryOptions { QueueCapacity = 10_000 }, audits, threads, 0));
Report($"no history (baseline), paced {rate}/s", await RunAsync(history: null, audits, threads, rate));
Report($"history, paced {rate}/s", await RunAsync(new HistoryOptions { QueueCapacity = 10_000 }, audits, threads, rate));
Report("history, burst, QueueCapacity 1000", await RunAsync(new HistoryOptions { QueueCapacity = 1_000 }, audits, threads, 0));
Console.WriteLine();
foreach (var storeText in new[] { true, false })
{
    var (rowsPerSecond, batches, megabytes) = await DrainAsync(audits, storeText);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Writer alone (StoreText={storeText}), {audits:N0} queued outcomes drained: {rowsPerSecond:N0} rows/s in {batches} transactions; file {megabytes:0.0} MB"));
}

static void Report(string scenario, BurstResult r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {scenario} | {r.P50:0.0} | {r.P99:0.0} | {r.P999:0.0} | {r.Max:0} | {r.BurstMs:0} | {r.Written:N0} | {(r.Written == 0 ? "–" : r.RowsPerSecond.ToString("N0", CultureInfo.InvariantCulture))} | {r.PeakBacklog:N0} | {r.Dropped:N0} | {r.CpuMs:N0} |"));

static async Task<BurstResult> RunAsync(HistoryOptions? history, int audits, int threads, int pacePerSecond)
{
    var folder = Directory.CreateTempSubdirectory("truthtable-bench-history-").FullName;
    try
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOptions<AuditHubOptions>();
        builder.Services.AddSingleton<AuditStateCache>();
        builder.Services.AddSingleton<IAuditEventSink>(sp => sp.GetRequiredService<AuditStateCache>());
        builder.Services.AddSingleton<PipelineStats>();
        builder.Services.AddSingleton<IAuditEventSink>(sp => sp.GetRequiredService<PipelineStats>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditEventBroadcaster>();
        // The writer yields to a busy proxy through the pipeline's gate, as in the host.
        builder.Services.AddOptions<AuditOptions>();
        builder.Services.AddSingleton<SpareCapacityGate>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SpareCapacityGate>());
        if (history is not null)
        {
            builder.Configuration["History:Path"] = "history.db";
            builder.Configuration["History:QueueCapacity"] = history.QueueCapacity.ToString(CultureInfo.InvariantCulture);
            builder.Services.AddAuditHistory(builder.Configuration);
        }

        using var host = builder.Build();
        await host.StartAsync();
        var events = host.Services.GetRequiredService<AuditEventBroadcaster>();
        var queue = host.Services.GetService<HistoryQueue>();

        // Warm-up (JIT, pools, SQLite page cache) in small flushed steps, so it leaves the backlog peak at most 10.
        for (var step = 0; step < 50; step++)
        {
            Publish(events, $"warm{step}", 10, new long[20], 0);
            if (queue is not null)
            {
                await queue.FlushAsync(CancellationToken.None);
            }
        }

        var (writtenBefore, droppedBefore) = (queue?.Written ?? 0, queue?.Dropped ?? 0);
        var perThread = audits / threads;
        var samples = Enumerable.Range(0, threads).Select(_ => new long[perThread * 2]).ToArray();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        // Dedicated threads: the pipeline's workers are async and leave the thread pool to the writer; publishing
        // threads taken from the pool would starve its continuations on 2 cores until the pool grows.
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () => Publish(events, $"t{t}", perThread, samples[t], pacePerSecond / (double)threads),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        var burstMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (queue is not null)
        {
            await queue.FlushAsync(CancellationToken.None);
        }

        var totalSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        var written = (queue?.Written ?? 0) - writtenBefore;
        var all = samples.SelectMany(s => s).Order().ToArray();
        double Us(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        double Pct(double p) => Us(all[Math.Max(0, (int)Math.Ceiling(p * all.Length) - 1)]);
        var result = new BurstResult(Pct(0.50), Pct(0.99), Pct(0.999), Us(all[^1]), burstMs, written,
            written / totalSeconds, queue?.PeakDepth ?? 0, (queue?.Dropped ?? 0) - droppedBefore, cpuMs);
        await host.StopAsync();
        return result;
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

// The writer's ceiling: a full backlog queued before the writer starts, then drained.
static async Task<(double RowsPerSecond, long Batches, double Megabytes)> DrainAsync(int audits, bool storeText)
{
    var folder = Directory.CreateTempSubdirectory("truthtable-bench-drain-").FullName;
    try
    {
        var options = Options.Create(new HistoryOptions { Path = "drain.db", QueueCapacity = audits, StoreText = storeText });
        var environment = new BenchEnvironment(folder);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        using var database = new HistoryDatabase(options, environment, loggers.CreateLogger<HistoryDatabase>());
        var queue = new HistoryQueue(options);
        var sink = new AuditHistorySink(queue, TimeProvider.System, loggers.CreateLogger<AuditHistorySink>());
        using var writer = new AuditHistoryWriter(database, queue,
            new SpareCapacityGate(Options.Create(new AuditOptions()), TimeProvider.System), options, TimeProvider.System, loggers.CreateLogger<AuditHistoryWriter>());
        for (var i = 0; i < audits; i++)
        {
            var requestId = $"d-{i}";
            sink.Publish(new AuditEventEnvelope(requestId, Payloads.Started(requestId), Payloads.Details(i)));
            sink.Publish(new AuditEventEnvelope(requestId, Payloads.Complete(requestId, i), Payloads.Details(i)));
        }

        var start = Stopwatch.GetTimestamp();
        await writer.StartAsync(CancellationToken.None);
        await queue.FlushAsync(CancellationToken.None);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await writer.StopAsync(CancellationToken.None);
        var bytes = new DirectoryInfo(folder).GetFiles().Sum(f => f.Length);
        return (queue.Written / seconds, queue.Batches, bytes / 1024.0 / 1024.0);
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

// What one audit worker raises per audit: AuditStarted, then the outcome (80% complete, 10% failed, 10% skipped).
static void Publish(AuditEventBroadcaster events, string prefix, int count, long[] samples, double pacePerSecond)
{
    // Paced runs sleep between due audits (1 ms granularity) rather than spin, so the publishing threads leave the
    // cores to the writer as real request threads would.
    var start = Stopwatch.GetTimestamp();
    for (var i = 0; i < count; i++)
    {
        while (pacePerSecond > 0 && Stopwatch.GetElapsedTime(start).TotalSeconds * pacePerSecond < i)
        {
            Thread.Sleep(1);
        }

        var requestId = $"{prefix}-{i}";
        var details = Payloads.Details(i);
        var started = Payloads.Started(requestId);
        var t0 = Stopwatch.GetTimestamp();
        events.Started(started, details);
        var t1 = Stopwatch.GetTimestamp();
        switch (i % 10)
        {
            case 8:
                events.Failed(new AuditFailedEvent(requestId, "timeout", "The audit timed out.", false, Payloads.Now()), details);
                break;
            case 9:
                events.Failed(new AuditFailedEvent(requestId, "upstream_status", "The upstream answered 500.", true, Payloads.Now()), details);
                break;
            default:
                events.Complete(Payloads.Complete(requestId, i), details);
                break;
        }

        var t2 = Stopwatch.GetTimestamp();
        samples[2 * i] = t1 - t0;
        samples[2 * i + 1] = t2 - t1;
    }
}

namespace TruthTable.Bench.History
{
    internal sealed record BurstResult(
        double P50, double P99, double P999, double Max, double BurstMs, long Written, double RowsPerSecond, int PeakBacklog, long Dropped, double CpuMs);

    internal sealed class BenchEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Benchmark";
        public string ApplicationName { get; set; } = "HistoryBurst";
        public string ContentRootPath { get; set; } = contentRoot;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
