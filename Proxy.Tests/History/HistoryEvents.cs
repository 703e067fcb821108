using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.Extraction;

namespace TruthTable.Tests.History;

/// <summary>Outcome envelopes as the pipeline raises them, with the exchange details the history keeps.</summary>
internal static class HistoryEvents
{
    public const long T0 = 1_748_779_200_000; // 2025-06-01T12:00:00Z, the harness clock's start

    public static AuditExchangeDetails Details(
        string model = "gpt-test", string question = "What is the capital of the Netherlands?",
        string answer = "Amsterdam is the capital of the Netherlands.", int? upstreamStatus = 200) =>
        new("/v1/chat/completions", upstreamStatus, model, question, answer,
            [new ContextSnippet("messages[0]", "Amsterdam is the capital of the Netherlands. Rotterdam has the largest port.")]);

    public static AuditEventEnvelope Started(string requestId, long timestamp = T0, long queuedMs = 7, string model = "gpt-test") =>
        new(requestId, new AuditStartedEvent(requestId, model, 321, queuedMs, timestamp), Details(model));

    public static AuditEventEnvelope Complete(
        string requestId, string grade = "A", double score = 0.95, bool hallucinated = false, string model = "gpt-test",
        string question = "What is the capital of the Netherlands?", string answer = "Amsterdam is the capital of the Netherlands.",
        long timestamp = T0, long engineMs = 40)
    {
        var e = new AuditCompleteEvent
        {
            RequestId = requestId, AuditId = "audit-" + requestId, Model = model, TrustScore = score,
            HallucinationRate = hallucinated ? 0.5 : 0, Grade = grade,
            Verdict = hallucinated ? "partially_faithful" : "faithful", HallucinationDetected = hallucinated,
            TotalClaims = 2, SupportedClaims = hallucinated ? 1 : 2, UnsupportedClaims = hallucinated ? 1 : 0, ContradictedClaims = 0,
            Verifications =
            [
                new ClaimVerificationDto(answer, "supported", true, 0.9, ["Amsterdam is the capital of the Netherlands."], "The context says so."),
                new ClaimVerificationDto("A second claim.", hallucinated ? "unsupported" : "supported", !hallucinated, 0.6, [], "Nothing in the context."),
            ],
            ReasoningTrace = $"Extracted 2 claim(s) from the answer. 1. \"{answer}\"",
            StepTimings = new Dictionary<string, long> { ["split"] = 1, ["verify"] = 3 },
            ProcessingTimeMs = engineMs,
            Timestamp = timestamp,
        };
        return new AuditEventEnvelope(requestId, e, Details(model, question, answer));
    }

    public static AuditEventEnvelope Failed(string requestId, string reason = "timeout", bool skipped = false, long timestamp = T0, int? upstreamStatus = 200) =>
        new(requestId, new AuditFailedEvent(requestId, reason, $"The audit ended with {reason}.", skipped, timestamp),
            Details(upstreamStatus: upstreamStatus));
}
