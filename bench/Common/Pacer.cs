using System.Diagnostics;

namespace TruthTable.Bench;

/// <summary>Waits until a <see cref="Stopwatch"/> timestamp: sleeps while more than a millisecond early, then spins.</summary>
public static class Pacer
{
    public static async ValueTask WaitUntilAsync(long due)
    {
        // Task.Delay alone is too coarse to space requests a millisecond apart.
        while (Stopwatch.GetTimestamp() < due - Stopwatch.Frequency / 1000)
        {
            await Task.Delay(1);
        }

        while (Stopwatch.GetTimestamp() < due)
        {
            Thread.SpinWait(20);
        }
    }
}
