using System.ComponentModel.DataAnnotations;

namespace TruthTable.Core.WebSockets;

/// <summary>The plain-WebSocket feed at /ws and /api/ws, for dashboards written against the Go hub.</summary>
public sealed class AuditWebSocketOptions
{
    public const string SectionName = "WebSockets";

    /// <summary>How often the server pings each socket (the Go hub pinged every 54 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a ping may go unanswered before the socket is dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest message a client may send (the Go hub's read limit); larger ones close with 1009.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxReceiveMessageBytes { get; set; } = 512 * 1024;

    /// <summary>
    /// Frames waiting to be sent to one socket. A socket that falls this far behind is disconnected, as the Go
    /// hub did, rather than silently missing events; its client reconnects and is consistent again.
    /// </summary>
    [Range(1, 1_000_000)]
    public int SendQueueCapacity { get; set; } = 256;

    /// <summary>How long a closing socket may take to drain its queue and complete the close handshake.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Origins allowed to open a socket (e.g. "https://dashboard.example.com"); empty allows any.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
