using System.Diagnostics;

namespace TruthTable.Core.Engine;

/// <summary>
/// Audits an answer against its context without a model: the answer is split into claims, each claim is matched
/// to context sentences, checked for conflicting details, and the verdicts are scored. Deterministic and stateless,
/// so one instance can serve concurrent audits.
/// </summary>
public sealed class FaithfulnessAuditor
{
    private const int EvidencePerClaim = 3;

    public FaithfulnessReport Audit(
        string query,
        string answer,
        IReadOnlyList<EvidenceDocument> context,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        var timings = new Dictionary<string, long>(4, StringComparer.Ordinal);

        // Callers outside nullable-aware code (gRPC mapping, tests) may still pass null.
        answer ??= string.Empty;
        query ??= string.Empty;

        var started = Stopwatch.GetTimestamp();
        var claimTexts = ClaimSplitter.Split(answer);
        if (claimTexts.Count == 0)
        {
            timings["claim_extraction"] = ElapsedMilliseconds(started);
            foreach (var step in new[] { "evidence_retrieval", "verification", "scoring" })
            {
                timings[step] = 0;
            }

            return new FaithfulnessReport([], 0f, FaithfulnessScorer.GradeFor(0f), false, ReasoningTraceWriter.NothingToAudit(), timings);
        }

        // The query is part of the casing evidence: a name it writes in lower case is an ordinary word.
        var vocabulary = LowercaseVocabulary.ForAudit(context, answer, query);
        try
        {
            return Audit(claimTexts, context, vocabulary, timings, started, cancellationToken);
        }
        finally
        {
            vocabulary.Release();
        }
    }

    private static FaithfulnessReport Audit(
        List<string> claimTexts,
        IReadOnlyList<EvidenceDocument> context,
        LowercaseVocabulary vocabulary,
        Dictionary<string, long> timings,
        long started,
        CancellationToken cancellationToken)
    {
        var extractor = new TermExtractor(vocabulary);
        var claims = new List<AnalyzedText>(claimTexts.Count);
        foreach (var claimText in claimTexts)
        {
            var claim = extractor.Analyze(claimText);
            if (claim.Terms.Count > 0)
            {
                claims.Add(claim);
            }
        }

        timings["claim_extraction"] = ElapsedMilliseconds(started);
        cancellationToken.ThrowIfCancellationRequested();

        started = Stopwatch.GetTimestamp();
        var retriever = new EvidenceRetriever(context, extractor);
        var matches = new List<EvidenceMatch>[claims.Count];
        for (var i = 0; i < claims.Count; i++)
        {
            matches[i] = retriever.FindBestMatches(claims[i], EvidencePerClaim);
        }

        timings["evidence_retrieval"] = ElapsedMilliseconds(started);
        cancellationToken.ThrowIfCancellationRequested();

        started = Stopwatch.GetTimestamp();
        var verifier = new ClaimVerifier(new ContradictionDetector(extractor), retriever.Rarity);
        var hasContext = retriever.SentenceCount > 0;
        var assessments = new List<ClaimAssessment>(claims.Count);
        for (var i = 0; i < claims.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            assessments.Add(hasContext ? verifier.Verify(claims[i], matches[i]) : ClaimVerifier.VerifyWithoutContext(claims[i]));
        }

        timings["verification"] = ElapsedMilliseconds(started);

        started = Stopwatch.GetTimestamp();
        var score = FaithfulnessScorer.Score(assessments);
        var grade = FaithfulnessScorer.GradeFor(score);
        var hallucinated = false;
        foreach (var assessment in assessments)
        {
            hallucinated |= FaithfulnessScorer.IsHallucination(assessment.Verdict);
        }

        var trace = ReasoningTraceWriter.Write(assessments, hasContext ? context.Count : 0, retriever.SentenceCount, score, grade, hallucinated);
        timings["scoring"] = ElapsedMilliseconds(started);

        return new FaithfulnessReport(assessments, score, grade, hallucinated, trace, timings);
    }

    private static long ElapsedMilliseconds(long startTimestamp) =>
        (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
