using System.Runtime.InteropServices;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// Lowers the calling thread's scheduling priority. On Linux the nice value belongs to the thread, not the process
/// (setpriority(2), NOTES), so <c>nice(inc)</c> from a thread lowers that thread alone; .NET's
/// <see cref="Thread.Priority"/> does nothing there. Elsewhere the managed priority is what there is.
/// </summary>
internal static class ThreadNiceness
{
    /// <summary>
    /// Raises the calling thread's nice value by <paramref name="increment"/> (the kernel caps it at 19). Any user
    /// may; undoing it needs CAP_SYS_NICE, so a thread that lowers itself stays lowered, and so does every thread it
    /// creates (a new thread inherits its creator's nice value).
    /// </summary>
    /// <returns>null on success, else why it failed.</returns>
    public static string? TryLowerCurrentThread(int increment)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(increment);
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
            return null;
        }

        try
        {
            // -1 is also a valid new nice value; only errno tells a failure (the marshaller clears it before the call).
            return nice(increment) == -1 && Marshal.GetLastPInvokeError() is var errno and not 0
                ? $"nice({increment}) failed with errno {errno}"
                : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"libc's nice() is not available ({e.GetType().Name})";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int nice(int inc);
}
