namespace TruthTable.Host.Hosting;

/// <summary>
/// Lets the runtime's shared <see cref="System.Buffers.ArrayPool{T}"/> keep enough buffers for a feed with many
/// subscribers. SignalR gives each connection a pipe whose segments come from <c>ArrayPool&lt;byte&gt;.Shared</c>: one
/// event to 1,000 subscribers rents 1,000 segments at once, and the pool's default (32 arrays per size per core) let
/// almost all of them become garbage, about 200 MB/s at 1,000 subscribers × 50 audits/s and some 60 collections per
/// 10 s (docs/PERFORMANCE.md). The runtime reads the limit from the environment once, at the pool's first use, so
/// this runs first in Program.cs. The pool keeps only what was in use at once and trims idle arrays after full
/// collections. An operator's own value wins.
/// </summary>
public static class SharedArrayPoolSizing
{
    public const string MaxArraysPerPartitionVariable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    /// <summary>Per array size and per core; on a 2-core host at most 2,048 segments of 4 KiB (8 MiB), and only if all were in use at once.</summary>
    public const int MaxArraysPerPartition = 1024;

    public static void ApplyBeforeFirstUse() => Apply(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

    /// <returns>The limit in effect: the operator's, or <see cref="MaxArraysPerPartition"/>.</returns>
    public static string Apply(Func<string, string?> getVariable, Action<string, string> setVariable)
    {
        if (getVariable(MaxArraysPerPartitionVariable) is { Length: > 0 } chosen)
        {
            return chosen;
        }

        var value = MaxArraysPerPartition.ToString(System.Globalization.CultureInfo.InvariantCulture);
        setVariable(MaxArraysPerPartitionVariable, value);
        return value;
    }
}
