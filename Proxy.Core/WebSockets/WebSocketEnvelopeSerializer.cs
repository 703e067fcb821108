using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TruthTable.Contracts;

namespace TruthTable.Core.WebSockets;

/// <summary>
/// Writes an audit event as the Go hub's envelope, one JSON object per text frame:
/// <c>{"type": "audit_complete", "payload": {...}, "timestamp": "2025-01-01T12:00:00.000Z"}</c>.
/// The payload is the contract record in snake_case: a superset of the Go hub's fields (request_id, trust_score,
/// verifications[].claim, ...), so its dashboards read it unchanged. Payload timestamps stay Unix milliseconds,
/// as on the hub; the envelope's is RFC 3339, as Go's time.Time marshals.
/// </summary>
public static class WebSocketEnvelopeSerializer
{
    public const string AuditStarted = "audit_started";
    public const string AuditComplete = "audit_complete";
    public const string AuditFailed = "audit_failed";
    public const string HealthUpdate = "health_update";
    public const string StatsUpdate = "stats_update";

    /// <summary>The frame's UTF-8 bytes, or null for an event the feed does not carry.</summary>
    public static byte[]? Serialize(object auditEvent, DateTimeOffset now)
    {
        var (type, typeInfo) = auditEvent switch
        {
            AuditStartedEvent => (AuditStarted, WebSocketPayloadContext.Default.AuditStartedEvent),
            AuditCompleteEvent => (AuditComplete, WebSocketPayloadContext.Default.AuditCompleteEvent),
            AuditFailedEvent => (AuditFailed, WebSocketPayloadContext.Default.AuditFailedEvent),
            HealthUpdateEvent => (HealthUpdate, WebSocketPayloadContext.Default.HealthUpdateEvent),
            StatsUpdateEvent => (StatsUpdate, (JsonTypeInfo)WebSocketPayloadContext.Default.StatsUpdateEvent),
            _ => (null, null),
        };
        if (type is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("payload");
            JsonSerializer.Serialize(writer, auditEvent, typeInfo!);
            writer.WriteString("timestamp", now.UtcDateTime);
            writer.WriteEndObject();
        }

        // One exact-size array shared by every socket's queue; it lives until the slowest socket has sent it.
        return buffer.WrittenSpan.ToArray();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AuditStartedEvent))]
[JsonSerializable(typeof(AuditCompleteEvent))]
[JsonSerializable(typeof(AuditFailedEvent))]
[JsonSerializable(typeof(HealthUpdateEvent))]
[JsonSerializable(typeof(StatsUpdateEvent))]
internal sealed partial class WebSocketPayloadContext : JsonSerializerContext;
