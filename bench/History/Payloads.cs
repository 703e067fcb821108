using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Core.Extraction;

namespace TruthTable.Bench.History;

/// <summary>Realistically sized events: a 3-snippet context of ~1.5 KB, a ~600-character answer, four claims.</summary>
internal static class Payloads
{
    private const string Sentence = "Amsterdam is the capital of the Netherlands and has about 900,000 inhabitants. ";
    private static readonly string Answer = string.Concat(Enumerable.Repeat(Sentence, 8));
    private static readonly ContextSnippet[] Context =
    [
        new("messages[0]", string.Concat(Enumerable.Repeat(Sentence, 6))),
        new("messages[1]", string.Concat(Enumerable.Repeat("Rotterdam has the largest port in Europe. ", 12))),
        new("messages[2]", string.Concat(Enumerable.Repeat("The Hague is the seat of government. ", 13))),
    ];

    public static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    public static AuditExchangeDetails Details(int i) =>
        new("/v1/chat/completions", 200, "gpt-bench", $"Question {i}: what is the capital of the Netherlands?", Answer, Context);

    public static AuditStartedEvent Started(string requestId) => new(requestId, "gpt-bench", Answer.Length, 3, Now());

    public static AuditCompleteEvent Complete(string requestId, int i) => new()
    {
        RequestId = requestId, AuditId = "audit-" + requestId, Model = "gpt-bench", TrustScore = i % 7 == 0 ? 0.5 : 0.95,
        HallucinationRate = i % 7 == 0 ? 0.25 : 0, Grade = i % 7 == 0 ? "D" : "A", Verdict = i % 7 == 0 ? "partially_faithful" : "faithful",
        HallucinationDetected = i % 7 == 0, TotalClaims = 4, SupportedClaims = i % 7 == 0 ? 3 : 4,
        UnsupportedClaims = i % 7 == 0 ? 1 : 0, ContradictedClaims = 0,
        Verifications = Enumerable.Range(0, 4).Select(c => new ClaimVerificationDto(
            Sentence.Trim(), "supported", true, 0.9, [Sentence.Trim()], "The first context document states it.")).ToArray(),
        ReasoningTrace = "Extracted 4 claim(s) from the answer. Checked them against 3 context document(s).",
        StepTimings = new Dictionary<string, long> { ["split"] = 1, ["retrieve"] = 2, ["verify"] = 3 },
        ProcessingTimeMs = 6, Timestamp = Now(),
    };
}
