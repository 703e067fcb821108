using System.ComponentModel.DataAnnotations;

namespace TruthTable.Core.Configuration;

/// <summary>The audit pipeline and its client of the audit service.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>An external audit engine (e.g. the Python engine). Empty: the embedded engine is started and used.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Most exchanges held for auditing: waiting for a worker plus being captured (streams in flight).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1000;

    [Range(1, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>
    /// Audits use only the CPU the proxy leaves over: while the cores are saturated (thread-pool queue wait or CPU
    /// share), workers pause before each job, and hold it back once the audit queue is backed up (see
    /// <see cref="Pipeline.SpareCapacityGate"/>), so the queue overflows instead of requests slowing down.
    /// </summary>
    public bool YieldToProxy { get; set; } = true;

    /// <summary>
    /// Smoothed thread-pool queue wait above which the proxy is taken to need every core (idle: a few µs; a
    /// saturated 2-core host: 0.1 ms and more). Only consulted while the audit queue is at least half full.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.00001", "00:00:01")]
    public TimeSpan BusyThreshold { get; set; } = TimeSpan.FromMilliseconds(0.1);

    /// <summary>
    /// Share of the CPU in use, over 100 ms, at or above which the cores are taken to be saturated: the machine's
    /// (all processes, /proc/stat on Linux) or this process's share of the cores it may use (which follows a
    /// container's CPU quota), whichever is higher. The thread-pool queue wait stays short when a saturating load
    /// comes from a few busy connections. 1 turns this signal off. Only consulted while the audit queue is at least
    /// half full, so audits that keep up are never held.
    /// </summary>
    [Range(0.5, 1.0)]
    public double BusyCpuShare { get; set; } = 0.95;

    /// <summary>
    /// The longest a worker holds one job back, so audits keep trickling through at saturation (one per worker per
    /// MaxHold). A second, not 100 ms: an audit of a long answer costs the embedded engine 65–160 ms of CPU, and ten
    /// of them a second per worker took a fifth to a third of the proxy's throughput at saturation (docs/PERFORMANCE.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>One deadline for a whole audit: submit plus every poll for the result.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long shutdown waits for queued audits before failing them with reason shutdown.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay between polls of an asynchronous engine; doubles up to <see cref="PollMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PollInitialDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PollMaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive UNAVAILABLE / DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED calls that open the circuit.</summary>
    [Range(1, 1000)]
    public int CircuitFailureThreshold { get; set; } = 5;

    /// <summary>How long the open circuit fails calls fast before letting one through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per gRPC call (gRPC retry policy) for UNAVAILABLE answers and for transport failures, which gRPC reports as UNAVAILABLE.</summary>
    [Range(1, 5)]
    public int MaxAttempts { get; set; } = 3;
}
