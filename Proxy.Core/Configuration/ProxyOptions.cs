using System.ComponentModel.DataAnnotations;

namespace TruthTable.Core.Configuration;

/// <summary>The transparent proxy: where it listens, where it forwards, what it captures.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>Base URL of the OpenAI-compatible upstream, e.g. https://api.openai.com or http://localhost:11434.</summary>
    [Required]
    public Uri? Upstream { get; set; }

    /// <summary>Where the proxy (and hub, API, health) listens.</summary>
    [Required]
    public Uri Url { get; set; } = new("http://localhost:8080");

    /// <summary>Bodies larger than this are passed through but not audited (reason too_large).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxCaptureBytes { get; set; } = 1024 * 1024;

    /// <summary>POST paths whose exchanges are captured and audited; unset means <see cref="DefaultAuditedPaths"/>.</summary>
    public List<string>? AuditedPaths { get; set; }

    public static IReadOnlyList<string> DefaultAuditedPaths { get; } = ["/v1/chat/completions", "/v1/completions"];

    // A list default would be appended to by the configuration binder, so the default lives here instead.
    public IReadOnlyList<string> EffectiveAuditedPaths =>
        AuditedPaths is { Count: > 0 } ? AuditedPaths : DefaultAuditedPaths;

    /// <summary>How long the upstream may stay silent mid-response; LLMs can think for minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
