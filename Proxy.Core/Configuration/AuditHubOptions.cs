using System.ComponentModel.DataAnnotations;

namespace TruthTable.Core.Configuration;

/// <summary>The SignalR audit hub and the periodic feed updates.</summary>
public sealed class AuditHubOptions
{
    public const string SectionName = "Hub";

    /// <summary>How often HealthUpdate and StatsUpdate go to the feed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Must be larger than the clients' keep-alive interval (SignalR's default is 15 s).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:30:00")]
    public TimeSpan ClientTimeoutInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1024, 16 * 1024 * 1024)]
    public long MaximumReceiveMessageSize { get; set; } = 32 * 1024;

    /// <summary>Recent audit states kept for late subscribers.</summary>
    [Range(1, 10_000_000)]
    public int RecentStates { get; set; } = 10_000;

    /// <summary>Approximate memory the recent states may take; long answers make large states.</summary>
    [Range(1024, 16L * 1024 * 1024 * 1024)]
    public long RecentStatesMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Events waiting to be pushed to hub clients; past it the oldest are dropped and counted.</summary>
    [Range(16, 10_000_000)]
    public int OutboundQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// How long a batch of events may wait for one hub client (a feed subscriber or a request's watcher) to take it; a
    /// client that has not is disconnected (one with automatic reconnect comes back), so one stalled client does not
    /// hold up everyone's events.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan SlowSubscriberTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
