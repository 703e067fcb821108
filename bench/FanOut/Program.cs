using TruthTable.Bench;
using TruthTable.Bench.FanOut;

// Hub-side measurements over real SignalR connections (HubConnection, WebSockets). Each mode prints one JSON line.
//   stats            --url U [--wait-drain true]          running totals from StatsUpdate (and queue depth from HealthUpdate)
//   fanout           --url U --subscribers N --rate R [--duration 10] [--warmup 40] [--warmup-rate min(R,50)] [--server-pid P] [--protocol json|messagepack]
//   audit-throughput --url U [--count 400]                direct audits pushed as fast as the queue takes them
//   audit-latency    --url U [--rate 20] [--duration 10]  proxied chat completion: response end → AuditComplete
var options = new BenchArgs(args);
var url = new Uri(options.Get("url"));
switch (options.Mode)
{
    case "stats":
        await StatsProbe.RunAsync(url, options.Get("wait-drain", "false") == "true");
        break;
    case "fanout":
        await FanOutRun.RunAsync(url, options);
        break;
    case "audit-throughput":
        await AuditRuns.ThroughputAsync(url, options);
        break;
    case "audit-latency":
        await AuditRuns.LatencyAsync(url, options);
        break;
    default:
        Console.Error.WriteLine("usage: FanOut stats|fanout|audit-throughput|audit-latency --url U ...");
        return 2;
}

return 0;
