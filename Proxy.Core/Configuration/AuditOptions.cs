using System.ComponentModel.DataAnnotations;

namespace TruthTable.Core.Configuration;

/// <summary>The audit pipeline and its client of the audit service.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>An external audit engine (e.g. the Python engine). Empty: the embedded engine is started and used.</summary>
    public Uri? Endpoint { get; set; }

    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1000;

    [Range(1, 64)]
    public int Workers { get; set; } = 2;

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

    /// <summary>Attempts per gRPC call for UNAVAILABLE (gRPC retry policy) and for transport failures (HTTP retry).</summary>
    [Range(1, 5)]
    public int MaxAttempts { get; set; } = 3;
}
