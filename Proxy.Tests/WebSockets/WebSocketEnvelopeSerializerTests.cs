using System.Globalization;
using System.Text.Json;
using TruthTable.Contracts;
using TruthTable.Core.WebSockets;

namespace TruthTable.Tests.WebSockets;

/// <summary>The frames' shape is the compatibility contract with dashboards written against the Go hub.</summary>
public sealed class WebSocketEnvelopeSerializerTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    [Fact]
    public void Serialize_AuditComplete_WritesGoHubEnvelopeWithSnakeCaseFields()
    {
        var complete = new AuditCompleteEvent
        {
            RequestId = "req-1",
            AuditId = "audit-1",
            Model = "gpt-4o",
            TrustScore = 0.5,
            HallucinationRate = 0.5,
            Grade = "D",
            Verdict = "partially_faithful",
            HallucinationDetected = true,
            TotalClaims = 2,
            SupportedClaims = 1,
            UnsupportedClaims = 1,
            ContradictedClaims = 0,
            Verifications =
            [
                new ClaimVerificationDto("Paris is in France.", "supported", true, 0.9, ["Paris is the capital of France."], "matched"),
                new ClaimVerificationDto("It has 9 million people.", "unsupported", false, 0.4, [], "no evidence"),
            ],
            ReasoningTrace = "trace",
            StepTimings = new Dictionary<string, long> { ["claim_extraction"] = 1 },
            ProcessingTimeMs = 12,
            Timestamp = 1_700_000_000_000,
        };

        var frame = Parse(complete);

        Assert.Equal("audit_complete", frame.GetProperty("type").GetString());
        Assert.Equal("2025-03-04T05:06:07.89Z", frame.GetProperty("timestamp").GetString());
        var payload = frame.GetProperty("payload");
        Assert.Equal("req-1", payload.GetProperty("request_id").GetString());
        Assert.Equal(0.5, payload.GetProperty("trust_score").GetDouble());
        Assert.Equal(0.5, payload.GetProperty("hallucination_rate").GetDouble());
        Assert.Equal("D", payload.GetProperty("grade").GetString());
        Assert.Equal("partially_faithful", payload.GetProperty("verdict").GetString());
        Assert.Equal(2, payload.GetProperty("total_claims").GetInt32());
        Assert.Equal(1, payload.GetProperty("supported_claims").GetInt32());
        Assert.Equal(1, payload.GetProperty("unsupported_claims").GetInt32());
        Assert.Equal(12, payload.GetProperty("processing_time_ms").GetInt64());
        Assert.Equal(1_700_000_000_000, payload.GetProperty("timestamp").GetInt64());
        Assert.Equal(1, payload.GetProperty("step_timings").GetProperty("claim_extraction").GetInt64());
        var first = payload.GetProperty("verifications")[0];
        Assert.Equal("Paris is in France.", first.GetProperty("claim").GetString());
        Assert.True(first.GetProperty("supported").GetBoolean());
        Assert.Equal(0.9, first.GetProperty("confidence").GetDouble());
        Assert.Equal("Paris is the capital of France.", first.GetProperty("evidence")[0].GetString());
        Assert.Equal("matched", first.GetProperty("reasoning").GetString());
        Assert.Equal("supported", first.GetProperty("status").GetString());
    }

    public static TheoryData<object, string, string[]> OtherEvents => new()
    {
        { new AuditStartedEvent("req-2", "m", 42, 3, 5), "audit_started", ["request_id", "response_size", "timestamp", "model", "queued_ms"] },
        { new AuditFailedEvent("req-3", "timeout", "took too long", false, 6), "audit_failed", ["request_id", "error", "timestamp", "reason", "skipped"] },
        { new HealthUpdateEvent("healthy", "closed", 1, 1000, 2, 7), "health_update", ["audit_service", "queue_depth", "connections", "circuit_state", "queue_capacity", "timestamp", "history"] },
        { new StatsUpdateEvent(3, 2, 1, 0, 0.75, 10.5, 8), "stats_update", ["total_audits", "successful_audits", "failed_audits", "average_score", "average_time_ms", "skipped", "timestamp"] },
    };

    [Theory]
    [MemberData(nameof(OtherEvents))]
    public void Serialize_OtherEvents_UseGoHubTypeAndFieldNames(object auditEvent, string type, string[] fields)
    {
        var frame = Parse(auditEvent);

        Assert.Equal(type, frame.GetProperty("type").GetString());
        var names = frame.GetProperty("payload").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Equal(fields.ToHashSet(), names);
    }

    [Fact]
    public void Serialize_AuditFailed_CarriesTheValues()
    {
        var payload = Parse(new AuditFailedEvent("req-3", "timeout", "took too long", false, 6)).GetProperty("payload");

        Assert.Equal("req-3", payload.GetProperty("request_id").GetString());
        Assert.Equal("took too long", payload.GetProperty("error").GetString());
        Assert.Equal("timeout", payload.GetProperty("reason").GetString());
        Assert.False(payload.GetProperty("skipped").GetBoolean());
        Assert.Equal(6, payload.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public void Serialize_NotAnAuditEvent_ReturnsNull()
    {
        Assert.Null(WebSocketEnvelopeSerializer.Serialize("not an event", Now));
    }

    [Fact]
    public void Serialize_Timestamp_IsRfc3339Utc()
    {
        var frame = Parse(new StatsUpdateEvent(0, 0, 0, 0, 0, 0, 0));

        var parsed = DateTimeOffset.Parse(frame.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(Now, parsed);
    }

    private static JsonElement Parse(object auditEvent)
    {
        var bytes = WebSocketEnvelopeSerializer.Serialize(auditEvent, Now);
        Assert.NotNull(bytes);
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }
}
