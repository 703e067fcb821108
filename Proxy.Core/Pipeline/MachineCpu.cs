namespace TruthTable.Core.Pipeline;

/// <summary>
/// CPU time of the whole machine, all processes, from the first line of Linux's /proc/stat (clock ticks since
/// boot). The share in use between two readings tells whether the cores have anything left over, whoever uses them.
/// </summary>
public readonly record struct MachineCpu(long Busy, long Total)
{
    private const string ProcStat = "/proc/stat";

    /// <summary>The current reading, or null where /proc/stat does not exist (not Linux) or cannot be read.</summary>
    public static MachineCpu? Read()
    {
        try
        {
            using var reader = new StreamReader(ProcStat);
            return Parse(reader.ReadLine());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// "cpu  user nice system idle iowait irq softirq steal ...": idle and iowait are time left over; steal (taken
    /// by the hypervisor) counts as busy, since this machine could not use it either.
    /// </summary>
    public static MachineCpu? Parse(string? line)
    {
        if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
        {
            return null;
        }

        long total = 0, idle = 0;
        var field = 0;
        foreach (var part in line.AsSpan(4).Split(' '))
        {
            var text = line.AsSpan(4)[part];
            if (text.IsEmpty)
            {
                continue;
            }

            if (!long.TryParse(text, out var ticks))
            {
                return null;
            }

            // Fields 8 and 9 (guest, guest_nice) are already counted in user and nice.
            if (field < 8)
            {
                total += ticks;
                if (field is 3 or 4)
                {
                    idle += ticks;
                }
            }

            field++;
        }

        return field >= 5 ? new MachineCpu(total - idle, total) : null;
    }

    /// <summary>Share of the CPU time between <paramref name="earlier"/> and this reading that was in use, 0 to 1.</summary>
    public double BusyShareSince(MachineCpu earlier)
    {
        var total = Total - earlier.Total;
        return total <= 0 ? 0 : Math.Clamp((double)(Busy - earlier.Busy) / total, 0, 1);
    }
}
