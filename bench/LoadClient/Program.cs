using TruthTable.Bench;
using TruthTable.Bench.LoadClient;

// The .NET load client, for what wrk cannot measure: per-chunk SSE timing and latency at a fixed request rate.
// Each mode prints one JSON line of results; `report` turns the collected lines into the benchmark table.
//   sse    --url U --label L | --targets "label=url,..." [--streams 400] [--stream-rate 40] [--round-streams 80]
//          [--gap-ms 5]
//   rate   --url U --label L | --targets "label=url,..." [--rate 1000] [--duration 10] [--slice 1] [--shape json]
//          [--latencies-out FILE]
//   report --file results.jsonl
var options = new BenchArgs(args);
switch (options.Mode)
{
    case "sse":
        await SseTimingRun.RunAsync(options);
        break;
    case "rate":
        await FixedRateRun.RunAsync(options);
        break;
    case "report":
        ResultTable.Print(options.Get("file"));
        break;
    default:
        Console.Error.WriteLine("usage: LoadClient sse|rate|report --name value ...");
        return 2;
}

return 0;
