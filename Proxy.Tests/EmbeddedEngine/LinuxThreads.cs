namespace TruthTable.Tests.EmbeddedEngine;

/// <summary>This process's threads as Linux sees them (/proc): name, nice value and CPU time.</summary>
internal static class LinuxThreads
{
    /// <param name="CpuTicks">User and system time in clock ticks (USER_HZ, 100 a second).</param>
    public sealed record TaskInfo(string Name, int Nice, long CpuTicks);

    public static int NiceOfCurrentThread() => Parse(File.ReadAllText("/proc/thread-self/stat")).Nice;

    public static IReadOnlyList<TaskInfo> All()
    {
        var tasks = new List<TaskInfo>();
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                tasks.Add(Parse(File.ReadAllText(Path.Combine(dir, "stat"))));
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return tasks;
    }

    // "tid (name) state ppid ...": the name may hold spaces and parentheses, so fields count from the last ')'.
    // After it, utime and stime are the 12th and 13th fields and nice the 17th (stat's 14th, 15th, 19th: proc_pid_stat(5)).
    private static TaskInfo Parse(string stat)
    {
        var nameEnd = stat.LastIndexOf(')');
        var name = stat[(stat.IndexOf('(') + 1)..nameEnd];
        var fields = stat[(nameEnd + 2)..].Split(' ');
        return new TaskInfo(name, int.Parse(fields[16]), long.Parse(fields[11]) + long.Parse(fields[12]));
    }
}
