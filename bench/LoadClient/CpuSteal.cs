using System.Globalization;

namespace TruthTable.Bench.LoadClient;

/// <summary>
/// The share of the machine's CPU time the hypervisor gave to other guests ("steal", the eighth figure of /proc/stat's
/// cpu line) between two readings. On this shared VM the noisy hours come with steal: in run F1 bare YARP's p99 at
/// 1,000 req/s read 4.2 ms in the rep with 0.9 % steal and 7–11 ms in the reps with 3–8 %.
/// </summary>
public readonly record struct CpuSteal(long Total, long Steal)
{
    /// <summary>The counters now; null where /proc/stat is missing (not Linux), so the run goes on without them.</summary>
    public static CpuSteal? Read()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not { Length: > 8 } || fields[0] != "cpu")
            {
                return null;
            }

            // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
            var ticks = fields[1..9].Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return new CpuSteal(ticks.Sum(), ticks[7]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Percent of the CPU time since <paramref name="earlier"/> that was stolen; null without both readings.</summary>
    public static double? PercentBetween(CpuSteal? earlier, CpuSteal? later) =>
        earlier is { } a && later is { } b && b.Total > a.Total ? 100.0 * (b.Steal - a.Steal) / (b.Total - a.Total) : null;
}
