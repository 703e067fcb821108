using TruthTable.Bench;
using TruthTable.Bench.FanOut;

// Hub-side measurements over real SignalR connections (HubConnection, WebSockets). Each mode prints one JSON line.
//   stats            --url U [--wait-drain true]          running totals from StatsUpdate (and queue depth from HealthUpdate)
//   fanout           --url U --subscribers N --rate R [--duration 10] [--warmup 40] [--warmup-rate min(R,50)] [--server-pid P] [--protocol json|messagepack]
//   audit-throughput --url U [--count 400]                direct audits pushed as fast as the queue takes them
//   audit-latency    --url U [--rate 20] [--duration 10]  proxied chat completion: response end → AuditComplete
// One process stands in for N subscribers' machines; each connection's receive pipe rents from the shared
// ArrayPool, and with the runtime's default limit a 1,000-subscriber run spent 440-510 ms per 10 s in 12-15
// collections (3 with this), pauses no real subscriber would share. Set before the pool's first use, as the
// proxy does for its feed (Proxy.Host/Hosting/SharedArrayPoolSizing).
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION", "1024");
}

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
