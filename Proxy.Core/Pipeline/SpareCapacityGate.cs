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
/// process's share of the cores it may use, whichever is higher; busy at or above <see cref="AuditOptions.BusyCpuShare"/>. While busy, the audit workers (when their queue is backed up) and the
/// history writer hold their next job or batch for up to <see cref="AuditOptions.MaxHold"/> (the writer for up to
/// <see cref="History.AuditHistoryWriter.MaxBatchHold"/>): the queues overflow
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
    private TaskCompletionSource? _asked;
    private volatile bool _sampling;
    private long _probes;

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
        // Full fences on both sides (see WaitUntilAskedAsync): the sampler either sees this time or its signal is set.
        Interlocked.Exchange(ref _lastAskedAt, timeProvider.GetTimestamp());
        Interlocked.CompareExchange(ref _asked, null, null)?.TrySetResult();
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

        Interlocked.Exchange(ref _lastAskedAt, timeProvider.GetTimestamp()); // sample from start-up on
        try
        {
            while (true)
            {
                await SampleWhileAskedAsync(stoppingToken);
                ForgetReadings();
                await WaitUntilAskedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A host that failed to start is disposed without being stopped; that must not read as a crash.
        }
        finally
        {
            // Stopped: never leave workers held back by a stale reading.
            ForgetReadings();
        }
    }

    private bool AskedRecently() =>
        timeProvider.GetElapsedTime(Interlocked.Read(ref _lastAskedAt)) < IdleAfter;

    private async Task SampleWhileAskedAsync(CancellationToken stoppingToken)
    {
        _sampling = true;
        // A timer per sampling spell: a PeriodicTimer keeps firing while nobody waits on it.
        using var timer = new PeriodicTimer(ProbeInterval, timeProvider);
        var lastMachine = MachineCpu.Read();
        var lastProcess = Environment.CpuUsage.TotalTime;
        var lastAt = timeProvider.GetTimestamp();
        while (AskedRecently() && await timer.WaitForNextTickAsync(stoppingToken))
        {
            Observe(await QueueWaitProbe.MeasureAsync(timeProvider));
            Interlocked.Increment(ref _probes);
            var now = timeProvider.GetTimestamp();
            var wall = timeProvider.GetElapsedTime(lastAt, now);
            if (wall >= CpuSampleInterval)
            {
                var machine = MachineCpu.Read();
                var process = Environment.CpuUsage.TotalTime;
                var machineShare = machine is { } m && lastMachine is { } earlier ? m.BusyShareSince(earlier) : 0;
                ObserveCpu(Math.Max(machineShare, ProcessShare(process - lastProcess, wall)));
                (lastMachine, lastProcess, lastAt) = (machine, process, now);
            }
        }
    }

    private async Task WaitUntilAskedAsync(CancellationToken stoppingToken)
    {
        _sampling = false;
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _asked, asked);
        // Asked between the last check and publishing the signal: NoteAsked may have missed it, so look again.
        if (!AskedRecently())
        {
            await asked.Task.WaitAsync(stoppingToken);
        }

        Interlocked.Exchange(ref _asked, null);
    }

    private void ForgetReadings()
    {
        Volatile.Write(ref _smoothedWaitTicks, 0);
        Volatile.Write(ref _cpuShare, 0);
        _busy = false;
        _cpuBusy = false;
    }

    /// <summary>A work item on the global queue, where new requests' work lands too, that reports its wait.</summary>
    private sealed class QueueWaitProbe(TimeProvider timeProvider) : IThreadPoolWorkItem
    {
        private readonly long _queuedAt = timeProvider.GetTimestamp();
        private readonly TaskCompletionSource<TimeSpan> _ran = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static Task<TimeSpan> MeasureAsync(TimeProvider timeProvider)
        {
            var probe = new QueueWaitProbe(timeProvider);
            ThreadPool.UnsafeQueueUserWorkItem(probe, preferLocal: false);
            return probe._ran.Task;
        }

        public void Execute() => _ran.TrySetResult(timeProvider.GetElapsedTime(_queuedAt));
    }
}
