using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TruthTable.Core.Configuration;

namespace TruthTable.Core.Pipeline;

/// <summary>
/// Lets audit work run on the CPU the proxy leaves over. Two signals say the cores are saturated. Requests and audits
/// share one thread pool, so a probe queued to it every <see cref="ProbeInterval"/> waits longer to run when they
/// are: busy while that wait, smoothed, is above <see cref="AuditOptions.BusyThreshold"/>. But a saturating load
/// from a few busy connections keeps that queue short (a few µs of wait at full load), so the CPU share in use counts
/// too, every <see cref="CpuSampleInterval"/>: the machine's (<see cref="MachineCpu"/>, all processes) or this
/// process's share of the cores it may use, whichever is higher; busy at or above <see cref="AuditOptions.BusyCpuShare"/>.
/// While busy, the audit workers pause before each job (<see cref="AuditWorkerPool.ShortQueuePause"/>, or up to
/// <see cref="AuditOptions.MaxHold"/> once their queue is backed up) and the history writer holds its next batch for
/// up to <see cref="History.AuditHistoryWriter.MaxBatchHold"/>: the queues overflow
/// (counted and reported) instead of the proxied requests slowing down, and audits still trickle through.
/// The readings are taken only while something asks for them: after <see cref="IdleAfter"/> without a wait the gate
/// stops sampling (an idle host would otherwise wake 200 times a second for nothing) and starts again on the next one.
/// </summary>
public sealed class SpareCapacityGate(IOptions<AuditOptions> options, TimeProvider timeProvider) : BackgroundService
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>How often the machine's CPU is read: long enough for /proc/stat's 10 ms ticks to add up.</summary>
    public static readonly TimeSpan CpuSampleInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How far under <see cref="AuditOptions.BusyCpuShare"/> the CPU share must fall to stop being busy.</summary>
    public const double CpuHysteresis = 0.1;

    /// <summary>
    /// How long the gate keeps sampling after the last wait asked it. Under load the history writer asks at least once
    /// per batch window, so this only ends sampling when no audits flow.
    /// </summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(2);

    private readonly bool _enabled = options.Value.YieldToProxy;
    private readonly long _busyThresholdTicks = options.Value.BusyThreshold.Ticks;
    private readonly TimeSpan _maxHold = options.Value.MaxHold;
    private readonly double _busyCpuShare = options.Value.BusyCpuShare;
    private long _smoothedWaitTicks;
    private volatile bool _busy;
    private volatile bool _cpuBusy;
    private double _cpuShare;
    private long _holds;
    private long _lastAskedAt;
    private long _probes;

    // The sampler's state; the timer callback, the probes and the waits that start sampling take turns under the lock.
    private readonly Lock _samplingLock = new();
    private ITimer? _timer;
    private volatile bool _sampling;
    private long _epoch;
    private bool _probeQueued;
    private long _cpuBaselineAt;
    private MachineCpu? _lastMachine;
    private TimeSpan _lastProcessCpu;

    /// <summary>How long work queued to the thread pool waits before it runs, smoothed over about 20 ms.</summary>
    public TimeSpan QueueWait => TimeSpan.FromTicks(Volatile.Read(ref _smoothedWaitTicks));

    /// <summary>
    /// Busy while either signal is: the smoothed wait from when it passes its threshold until it falls under half of
    /// it, the CPU share from its threshold until 0.1 under it. Near a threshold a saturated host would otherwise flip
    /// between the two states and let audits through at full speed half the time.
    /// </summary>
    public bool IsBusy => _enabled && (_busy || _cpuBusy);

    /// <summary>Share of the CPU in use over the last <see cref="CpuSampleInterval"/>: the machine's or this process's, the higher.</summary>
    public double CpuShare => Volatile.Read(ref _cpuShare);

    /// <summary>Audit jobs and history batches held back at least once because the proxy needed the cores.</summary>
    public long Holds => Interlocked.Read(ref _holds);

    /// <summary>Whether the readings are being taken: from start-up or a wait until <see cref="IdleAfter"/> without one.</summary>
    public bool IsSampling => _sampling;

    /// <summary>Thread-pool probes taken since start (tests wait on it to know the sampler has seen a tick).</summary>
    internal long Probes => Interlocked.Read(ref _probes);

    /// <summary>Returns at once when there is spare capacity; otherwise when there is, or after MaxHold.</summary>
    public ValueTask WaitForSpareCapacityAsync(CancellationToken cancellationToken) =>
        WaitForSpareCapacityAsync(_maxHold, cancellationToken);

    /// <summary>
    /// Returns at once when there is spare capacity; otherwise when there is, or after <paramref name="maxHold"/>.
    /// The first wait after an idle spell finds no readings yet and returns at once; sampling starts with it.
    /// </summary>
    public ValueTask WaitForSpareCapacityAsync(TimeSpan maxHold, CancellationToken cancellationToken)
    {
        NoteAsked();
        return IsBusy ? HoldAsync(maxHold, cancellationToken) : ValueTask.CompletedTask;
    }

    private async ValueTask HoldAsync(TimeSpan maxHold, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _holds);
        var started = timeProvider.GetTimestamp();
        while (IsBusy && timeProvider.GetElapsedTime(started) < maxHold)
        {
            await Task.Delay(ProbeInterval, timeProvider, cancellationToken);
            NoteAsked(); // a long hold must not let the readings it waits on stop
        }
    }

    private void NoteAsked()
    {
        // Full fences on both sides (see StopSampling): either the sampler sees this time or this sees it stopped.
        Interlocked.Exchange(ref _lastAskedAt, timeProvider.GetTimestamp());
        if (!_sampling)
        {
            StartSampling();
        }
    }

    /// <summary>Feeds one measured queue wait into the moving average (exponential, weight 1/4).</summary>
    internal void Observe(TimeSpan queueWait)
    {
        var smoothed = Volatile.Read(ref _smoothedWaitTicks);
        smoothed += (queueWait.Ticks - smoothed) / 4;
        Volatile.Write(ref _smoothedWaitTicks, smoothed);
        if (smoothed > _busyThresholdTicks)
        {
            _busy = true;
        }
        else if (smoothed < _busyThresholdTicks / 2)
        {
            _busy = false;
        }
    }

    /// <summary>
    /// This process's share of the cores it may use: <see cref="Environment.ProcessorCount"/> follows a container's
    /// CPU quota, where /proc/stat shows the whole host and would never read saturated.
    /// </summary>
    internal static double ProcessShare(TimeSpan cpu, TimeSpan wall) =>
        wall <= TimeSpan.Zero ? 0 : Math.Clamp(cpu / (wall * Environment.ProcessorCount), 0, 1);

    /// <summary>Feeds the CPU share in use over the last sample; busy from the threshold until 0.1 under it.</summary>
    internal void ObserveCpu(double busyShare)
    {
        Volatile.Write(ref _cpuShare, busyShare);
        if (_busyCpuShare >= 1.0)
        {
            return;
        }

        if (busyShare >= _busyCpuShare)
        {
            _cpuBusy = true;
        }
        else if (busyShare < _busyCpuShare - CpuHysteresis)
        {
            _cpuBusy = false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }

        // One timer callback and one probe per tick: two thread-pool work items. An awaited PeriodicTimer and an
        // awaited probe cost four (each completion queues its continuation), ~800 wake-ups a second while audits flow.
        using var timer = timeProvider.CreateTimer(static gate => ((SpareCapacityGate)gate!).Tick(), this,
            Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_samplingLock)
        {
            _timer = timer;
        }

        Interlocked.Exchange(ref _lastAskedAt, timeProvider.GetTimestamp()); // sample from start-up on
        StartSampling();
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, or a host that failed to start disposed unstopped: that must not read as a crash.
        }
        finally
        {
            lock (_samplingLock)
            {
                // Stopped: never leave workers held back by a stale reading, nor let a late probe bring one back.
                _timer = null;
                _sampling = false;
                _epoch++;
                ForgetReadings();
            }
        }
    }

    private bool AskedRecently() =>
        timeProvider.GetElapsedTime(Interlocked.Read(ref _lastAskedAt)) < IdleAfter;

    private void StartSampling()
    {
        lock (_samplingLock)
        {
            if (_sampling || _timer is null)
            {
                return;
            }

            _epoch++;
            _cpuBaselineAt = 0; // the first tick takes the CPU baseline
            _sampling = true;
            _timer.Change(ProbeInterval, ProbeInterval);
        }
    }

    /// <summary>
    /// Every <see cref="ProbeInterval"/> while sampling: queues a probe (one at a time; a probe still waiting is the
    /// reading) and reads the CPU share every <see cref="CpuSampleInterval"/>; stops once nobody asked for
    /// <see cref="IdleAfter"/>. A late tick that finds the previous one still running is skipped.
    /// </summary>
    private void Tick()
    {
        if (!_samplingLock.TryEnter())
        {
            return;
        }

        try
        {
            if (!_sampling)
            {
                return;
            }

            if (!AskedRecently() && StopSampling())
            {
                return;
            }

            if (!_probeQueued)
            {
                _probeQueued = true;
                ThreadPool.UnsafeQueueUserWorkItem(new QueueWaitProbe(this, timeProvider, _epoch), preferLocal: false);
            }

            SampleCpu();
        }
        finally
        {
            _samplingLock.Exit();
        }
    }

    /// <summary>Stops sampling unless a wait asked meanwhile; under <see cref="_samplingLock"/>.</summary>
    private bool StopSampling()
    {
        _sampling = false;
        // Full fences on both sides (see NoteAsked): either that wait saw sampling stopped and starts it again
        // (after this lock), or this sees its time and keeps sampling.
        Interlocked.MemoryBarrier();
        if (AskedRecently())
        {
            _sampling = true;
            return false;
        }

        _epoch++;
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        ForgetReadings();
        return true;
    }

    private void SampleCpu()
    {
        var now = timeProvider.GetTimestamp();
        if (_cpuBaselineAt == 0)
        {
            (_lastMachine, _lastProcessCpu, _cpuBaselineAt) = (MachineCpu.Read(), Environment.CpuUsage.TotalTime, now);
            return;
        }

        var wall = timeProvider.GetElapsedTime(_cpuBaselineAt, now);
        if (wall < CpuSampleInterval)
        {
            return;
        }

        var machine = MachineCpu.Read();
        var process = Environment.CpuUsage.TotalTime;
        var machineShare = machine is { } m && _lastMachine is { } earlier ? m.BusyShareSince(earlier) : 0;
        ObserveCpu(Math.Max(machineShare, ProcessShare(process - _lastProcessCpu, wall)));
        (_lastMachine, _lastProcessCpu, _cpuBaselineAt) = (machine, process, now);
    }

    /// <summary>The current sampling spell; a stop or a start begins the next one (tests hand probes a spell).</summary>
    internal long SamplingSpell
    {
        get
        {
            lock (_samplingLock)
            {
                return _epoch;
            }
        }
    }

    /// <summary>A probe's reading counts only in the sampling spell that queued it: a stop has forgotten the readings.</summary>
    internal void OnProbeRan(long epoch, TimeSpan queueWait)
    {
        lock (_samplingLock)
        {
            _probeQueued = false;
            if (_sampling && epoch == _epoch)
            {
                Observe(queueWait);
                Interlocked.Increment(ref _probes);
            }
        }
    }

    private void ForgetReadings()
    {
        Volatile.Write(ref _smoothedWaitTicks, 0);
        Volatile.Write(ref _cpuShare, 0);
        _busy = false;
        _cpuBusy = false;
    }

    /// <summary>A work item on the global queue, where new requests' work lands too, that reports its wait.</summary>
    private sealed class QueueWaitProbe(SpareCapacityGate gate, TimeProvider timeProvider, long epoch) : IThreadPoolWorkItem
    {
        private readonly long _queuedAt = timeProvider.GetTimestamp();

        public void Execute() => gate.OnProbeRan(epoch, timeProvider.GetElapsedTime(_queuedAt));
    }
}
