using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TruthTable.Core.Configuration;
using TruthTable.Core.Pipeline;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Pipeline;

public sealed class SpareCapacityGateTests
{
    private static readonly TimeSpan Saturated = TimeSpan.FromMilliseconds(5);

    private static SpareCapacityGate Gate(TimeProvider clock, Action<AuditOptions>? configure = null)
    {
        var options = new AuditOptions();
        configure?.Invoke(options);
        return new SpareCapacityGate(Options.Create(options), clock);
    }

    internal static void Feed(SpareCapacityGate gate, TimeSpan queueWait, int probes = 24)
    {
        for (var i = 0; i < probes; i++)
        {
            gate.Observe(queueWait);
        }
    }

    [Fact]
    public void Busy_OnlyWhileTheSmoothedQueueWaitIsAboveTheThreshold()
    {
        var gate = Gate(new FakeTimeProvider());
        Assert.False(gate.IsBusy);

        Feed(gate, Saturated);
        Assert.True(gate.IsBusy);
        Assert.InRange(gate.QueueWait, TimeSpan.FromMilliseconds(4), Saturated);

        Feed(gate, TimeSpan.Zero);
        Assert.False(gate.IsBusy);
    }

    [Fact]
    public void NearTheThreshold_StaysBusyUntilUnderHalfOfIt()
    {
        var gate = Gate(new FakeTimeProvider());
        Feed(gate, TimeSpan.FromMilliseconds(0.2));
        Assert.True(gate.IsBusy);

        Feed(gate, TimeSpan.FromMilliseconds(0.07)); // under the 100 µs threshold, over half of it
        Assert.False(gate.QueueWait > TimeSpan.FromMilliseconds(0.1));
        Assert.True(gate.IsBusy);

        Feed(gate, TimeSpan.FromMilliseconds(0.03));
        Assert.False(gate.IsBusy);
    }

    [Fact]
    public void OneSlowProbe_IsSmoothedAway()
    {
        var gate = Gate(new FakeTimeProvider());

        gate.Observe(TimeSpan.FromMilliseconds(0.3)); // a quarter of it: 75 µs, under the 100 µs threshold

        Assert.False(gate.IsBusy);
        Assert.Equal(TimeSpan.FromMilliseconds(0.075), gate.QueueWait);
    }

    [Fact]
    public async Task Busy_HoldsUntilCapacityReturns()
    {
        var clock = new FakeTimeProvider();
        var gate = Gate(clock);
        Feed(gate, Saturated);

        var wait = gate.WaitForSpareCapacityAsync(CancellationToken.None).AsTask();
        clock.Advance(SpareCapacityGate.ProbeInterval);
        Assert.False(wait.IsCompleted);

        Feed(gate, TimeSpan.Zero);
        clock.Advance(SpareCapacityGate.ProbeInterval);
        await wait.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, gate.Holds);
    }

    [Fact]
    public async Task StaysBusy_GivesUpAfterMaxHold_SoAuditsStillTrickleThrough()
    {
        var clock = new FakeTimeProvider();
        var gate = Gate(clock, o => o.MaxHold = TimeSpan.FromMilliseconds(50));
        Feed(gate, Saturated);

        var wait = gate.WaitForSpareCapacityAsync(CancellationToken.None).AsTask();
        for (var i = 0; i < 9; i++)
        {
            clock.Advance(SpareCapacityGate.ProbeInterval);
        }
        Assert.False(wait.IsCompleted); // 45 ms held

        clock.Advance(SpareCapacityGate.ProbeInterval);
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(gate.IsBusy);
    }

    [Fact]
    public void YieldToProxyOff_NeverHolds()
    {
        var gate = Gate(new FakeTimeProvider(), o => o.YieldToProxy = false);
        Feed(gate, Saturated);

        Assert.False(gate.IsBusy);
        Assert.True(gate.WaitForSpareCapacityAsync(CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(0, gate.Holds);
    }

    [Fact]
    public async Task Started_ProbesTheThreadPool_AndForgetsTheReadingWhenStopped()
    {
        var gate = Gate(TimeProvider.System);
        Feed(gate, TimeSpan.FromTicks(1)); // any reading the probes replace

        await gate.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var first = gate.QueueWait;
        while (gate.QueueWait == first && DateTime.UtcNow < deadline)
        {
            await Task.Delay(SpareCapacityGate.ProbeInterval);
        }
        Assert.NotEqual(first, gate.QueueWait);

        Feed(gate, Saturated);
        await gate.StopAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.Zero, gate.QueueWait);
        Assert.False(gate.IsBusy);
    }

    [Fact]
    public void MachineCpuSaturated_BusyThoughTheThreadPoolQueueIsShort()
    {
        var gate = Gate(new FakeTimeProvider());
        Feed(gate, TimeSpan.FromTicks(50)); // 5 µs: what a few saturating connections leave in the queue

        gate.ObserveCpu(0.97);

        Assert.True(gate.IsBusy);
        Assert.Equal(0.97, gate.CpuShare);
    }

    [Fact]
    public void MachineCpu_StaysBusyUntilTenPointsUnderTheThreshold()
    {
        var gate = Gate(new FakeTimeProvider());
        gate.ObserveCpu(0.96);

        gate.ObserveCpu(0.9);
        Assert.True(gate.IsBusy);

        gate.ObserveCpu(0.8);
        Assert.False(gate.IsBusy);
    }

    [Theory]
    [InlineData(1.0)]   // the signal turned off
    [InlineData(0.99)]  // a threshold the reading does not reach
    public void MachineCpuUnderTheThresholdOrTurnedOff_NotBusy(double threshold)
    {
        var gate = Gate(new FakeTimeProvider(), o => o.BusyCpuShare = threshold);

        gate.ObserveCpu(0.98);

        Assert.False(gate.IsBusy);
    }

    [Fact]
    public void YieldToProxyOff_MachineCpuSaturated_NeverHolds()
    {
        var gate = Gate(new FakeTimeProvider(), o => o.YieldToProxy = false);

        gate.ObserveCpu(1.0);

        Assert.False(gate.IsBusy);
    }

    [Fact]
    public async Task Started_SamplesTheCpuShare()
    {
        var gate = Gate(TimeProvider.System);

        await StartUntilFirstCpuSampleAsync(gate);

        await gate.StopAsync(CancellationToken.None);
        Assert.InRange(gate.CpuShare, 0, 1);
    }

    [Fact]
    public async Task DisposedWithoutStop_EndsQuietly()
    {
        // What a host does when it fails to start (e.g. its port is taken): it disposes its services unstopped. A
        // cancelled ExecuteTask there makes the host log a critical "BackgroundService failed" after the real error.
        var gate = Gate(TimeProvider.System);
        await StartUntilFirstCpuSampleAsync(gate); // its loop runs (BackgroundService starts it on Task.Run)
        Assert.InRange(gate.CpuShare, 0, 1);

        gate.Dispose();

        await gate.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(gate.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task NobodyAsks_StopsSamplingAndForgetsTheReadings_UntilTheNextWait()
    {
        var clock = new FakeTimeProvider();
        var gate = Gate(clock);
        await gate.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => gate.IsSampling);

        Feed(gate, Saturated);
        await UntilIdleStopsSamplingAsync(clock, gate);
        Assert.Equal(TimeSpan.Zero, gate.QueueWait);
        Assert.False(gate.IsBusy);

        clock.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(50);
        Assert.False(gate.IsSampling);

        // No readings yet: the wait that wakes the gate does not hold.
        Assert.True(gate.WaitForSpareCapacityAsync(CancellationToken.None).IsCompletedSuccessfully);
        await Poll.UntilAsync(() => gate.IsSampling);
        await gate.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AProbeOfAnEarlierSamplingSpell_DoesNotBringBackAReading()
    {
        // A probe queued before a stop can run after the next start: its wait belongs to a spell whose readings
        // were forgotten, and counting it would hold the first audits after an idle spell.
        var clock = new FakeTimeProvider();
        var gate = Gate(clock);
        await gate.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => gate.IsSampling);
        var earlier = gate.SamplingSpell;

        await UntilIdleStopsSamplingAsync(clock, gate);
        Assert.True(gate.WaitForSpareCapacityAsync(CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(gate.IsSampling);

        for (var i = 0; i < 24; i++)
        {
            gate.OnProbeRan(earlier, Saturated);
        }

        Assert.Equal(TimeSpan.Zero, gate.QueueWait);
        Assert.False(gate.IsBusy);

        gate.OnProbeRan(gate.SamplingSpell, Saturated); // the current spell's probe does count
        Assert.NotEqual(TimeSpan.Zero, gate.QueueWait);
        await gate.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AskedAgainAndAgain_KeepsSampling()
    {
        var clock = new FakeTimeProvider();
        // Never busy, so every wait returns at once (a probe queued before an advance reads the advance as its wait).
        var gate = Gate(clock, o => (o.BusyThreshold, o.BusyCpuShare) = (TimeSpan.FromHours(1), 1.0));
        await gate.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => gate.IsSampling);

        for (var asked = TimeSpan.Zero; asked < SpareCapacityGate.IdleAfter * 3; asked += SpareCapacityGate.ProbeInterval * 20)
        {
            Assert.True(gate.WaitForSpareCapacityAsync(CancellationToken.None).IsCompletedSuccessfully);
            var probes = gate.Probes;
            clock.Advance(SpareCapacityGate.ProbeInterval * 20);
            await Poll.UntilAsync(() => gate.Probes > probes); // the sampler has seen this much time pass
            Assert.True(gate.IsSampling);
        }

        await gate.StopAsync(CancellationToken.None);
    }

    /// <summary>Moves the clock past <see cref="SpareCapacityGate.IdleAfter"/> without a wait until sampling stops.</summary>
    private static async Task UntilIdleStopsSamplingAsync(FakeTimeProvider clock, SpareCapacityGate gate)
    {
        clock.Advance(SpareCapacityGate.IdleAfter + SpareCapacityGate.ProbeInterval);
        await Poll.UntilAsync(() =>
        {
            clock.Advance(SpareCapacityGate.ProbeInterval);
            return !gate.IsSampling;
        });
    }

    /// <summary>Starts the gate and waits (up to 5 s) until its loop has taken a CPU sample.</summary>
    private static async Task StartUntilFirstCpuSampleAsync(SpareCapacityGate gate)
    {
        gate.ObserveCpu(-1); // a reading no sample can give
        await gate.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (gate.CpuShare < 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(SpareCapacityGate.CpuSampleInterval);
        }
    }

    [Fact]
    public void ProcessShare_IsCpuTimeOverWallTimeTimesTheCoresItMayUse()
    {
        var cores = Environment.ProcessorCount;

        Assert.Equal(0.5, SpareCapacityGate.ProcessShare(TimeSpan.FromMilliseconds(50 * cores), TimeSpan.FromMilliseconds(100)), 6);
        Assert.Equal(1, SpareCapacityGate.ProcessShare(TimeSpan.FromMilliseconds(200 * cores), TimeSpan.FromMilliseconds(100)));
        Assert.Equal(0, SpareCapacityGate.ProcessShare(TimeSpan.FromMilliseconds(5), TimeSpan.Zero));
    }
}
