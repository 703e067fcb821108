using System.ComponentModel.DataAnnotations;

namespace TruthTable.Core.Configuration;

/// <summary>The audit engine served by the host itself when no external <see cref="AuditOptions.Endpoint"/> is set.</summary>
public sealed class EmbeddedEngineOptions
{
    public const string SectionName = "EmbeddedEngine";

    /// <summary>The HTTP/2-only (h2c) endpoint of the embedded engine; the Python engine's usual port by default.</summary>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:50051");

    /// <summary>
    /// Whether the pipeline calls the embedded engine's gRPC service in this process (the default) or through its
    /// <see cref="Url"/> over loopback HTTP/2 like an external engine. The endpoint is served either way.
    /// </summary>
    public bool InProcess { get; set; } = true;

    /// <summary>
    /// How much lower than the proxy the in-process audits run while the audit queue keeps up (Linux nice
    /// increment, up to 19): a proxied request that wakes takes the core from an audit at once. Once a quarter of
    /// the queue waits, audits run at the proxy's priority so they keep up on a busy machine. 0: always the same.
    /// </summary>
    [Range(0, 19)]
    public int AuditThreadNiceness { get; set; } = 10;

    /// <summary>Audit results kept for GetAuditResult.</summary>
    [Range(1, 1_000_000)]
    public int ResultCacheSize { get; set; } = 10_000;

    /// <summary>Approximate memory the kept results may take.</summary>
    [Range(1024, 16L * 1024 * 1024 * 1024)]
    public long ResultCacheMaxBytes { get; set; } = 64L * 1024 * 1024;
}
