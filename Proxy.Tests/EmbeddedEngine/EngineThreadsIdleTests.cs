using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using TruthTable.Host.EmbeddedEngine;

namespace TruthTable.Tests.EmbeddedEngine;

/// <summary>Reads every engine thread's CPU time in this process, so it runs while no other test does.</summary>
[Collection(nameof(EngineThreadsIdleTests))]
[CollectionDefinition(nameof(EngineThreadsIdleTests), DisableParallelization = true)]
public sealed class EngineThreadsIdleTests
{
    [Fact]
    public async Task Idle_ThreadsSleepWithoutSpinning()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the CPU time per thread comes from /proc
        }

        using var threads = new EngineThreads(2, niceness: 10, backlogged: () => false, NullLogger<EngineThreads>.Instance);
        Assert.True(threads.SleepsOnFutex || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64));
        for (var i = 0; i < 50; i++)
        {
            await threads.RunAsync(() => Task.FromResult(i)); // every thread has woken and gone back to sleep
        }

        var before = EngineCpuTicks();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var idle = EngineCpuTicks() - before;

        // Four threads spinning for half a second would take about 100 ticks (2 cores); sleeping ones none.
        Assert.InRange(idle, 0, 2);
    }

    private static long EngineCpuTicks() =>
        LinuxThreads.All().Where(t => t.Name.StartsWith("engine-", StringComparison.Ordinal)).Sum(t => t.CpuTicks);
}
