using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TruthTable.Bench;

/// <summary>
/// Waits until a <see cref="Stopwatch"/> timestamp without burning a core. It used to spin out the last millisecond,
/// and at 1,000 requests/s every millisecond is a last millisecond: the load client took a whole core of the two it
/// shares with the servers it measures, and that showed up as their latency. Now it sleeps in nanosleep(2), which
/// wakes within tens of microseconds of the due time; Task.Delay alone is too coarse (a millisecond or more).
/// </summary>
public static class Pacer
{
    private static readonly long TicksPerCoarseWait = Stopwatch.Frequency / 50;

    public static async ValueTask WaitUntilAsync(long due)
    {
        // Far off: give the thread back. The last stretch is slept on this thread, so a pacing loop keeps one thread.
        if (due - Stopwatch.GetTimestamp() > 2 * TicksPerCoarseWait)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)(due - Stopwatch.GetTimestamp() - TicksPerCoarseWait) / Stopwatch.Frequency));
        }

        long remaining;
        while ((remaining = due - Stopwatch.GetTimestamp()) > 0)
        {
            SleepPrecisely(remaining);
        }
    }

    private static void SleepPrecisely(long ticks)
    {
        var nanoseconds = (long)(ticks * (1_000_000_000.0 / Stopwatch.Frequency));
        if (!OperatingSystem.IsLinux())
        {
            Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, nanoseconds / 100)));
            return;
        }

        var request = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        _ = NanoSleep(ref request, IntPtr.Zero); // EINTR: the caller's loop sleeps the rest
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static extern int NanoSleep(ref TimeSpec request, IntPtr remaining);
}
