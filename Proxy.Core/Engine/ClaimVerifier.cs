namespace TruthTable.Core.Engine;

/// <summary>
/// Decides one claim's verdict from its best evidence matches:
/// a conflicting detail in evidence that otherwise matches → Contradicted (unless another sentence backs the
/// claim fully); a number or name found in none of the matches → Unsupported, since invented specifics are the
/// typical hallucination; otherwise the share of the claim's content terms found in the evidence decides —
/// ≥ 75 % Supported, ≥ 40 % PartiallySupported, below that Unsupported.
/// </summary>
internal sealed class ClaimVerifier(ContradictionDetector detector)
{
    public const double SupportedCoverage = 0.75;
    public const double PartialCoverage = 0.40;

    // A weak side match may still contribute a subject the main match refers to with "it".
    private const double ContributingCoverage = 0.25;
    private const int MaxSnippetLength = 300;

    public static ClaimAssessment VerifyWithoutContext(AnalyzedText claim) =>
        new(claim.Text, ClaimVerdict.Unsupported, 1f, [], "Unsupported: no context was given to support it.");

    public ClaimAssessment Verify(AnalyzedText claim, IReadOnlyList<EvidenceMatch> matches)
    {
        if (matches.Count == 0)
        {
            return new ClaimAssessment(claim.Text, ClaimVerdict.Unsupported, 0.9f, [],
                "Unsupported: no context sentence shares a content word with the claim.");
        }

        var contradiction = FindContradiction(claim, matches, out var hasFullSupport);
        if (contradiction is not null && !hasFullSupport)
        {
            var evidence = new List<string> { Snippet(contradiction.Evidence.Text) };
            evidence.AddRange(matches.Where(m => m.Sentence != contradiction.Evidence).Select(m => Snippet(m.Sentence.Text)));
            return new ClaimAssessment(claim.Text, ClaimVerdict.Contradicted, Confidence(0.5 + contradiction.RestCoverage / 2),
                evidence, $"Contradicted: {contradiction.Describe()} ({Cite(contradiction.Evidence)}).");
        }

        var covered = CoveredTerms(matches);
        var coverage = (double)covered.Count / claim.Terms.Count;
        var missing = claim.Terms.Where(t => !covered.Contains(t)).ToList();
        var missingSpecifics = missing.Where(t => t.IsSpecific).ToList();
        var snippets = matches.Select(m => Snippet(m.Sentence.Text)).ToList();
        var found = $"{covered.Count} of {claim.Terms.Count} content terms found in the evidence ({Cite(matches[0].Sentence)})";

        if (missingSpecifics.Count > 0)
        {
            return new ClaimAssessment(claim.Text, ClaimVerdict.Unsupported, Confidence(Math.Max(0.5, 1 - coverage)), snippets,
                $"Unsupported: {Quote(missingSpecifics)} appear(s) in no matching evidence; {found}.");
        }

        if (coverage >= SupportedCoverage)
        {
            var note = missing.Count > 0 ? $"; not found: {Quote(missing)}" : string.Empty;
            return new ClaimAssessment(claim.Text, ClaimVerdict.Supported, Confidence(coverage), snippets, $"Supported: {found}{note}.");
        }

        if (coverage >= PartialCoverage)
        {
            return new ClaimAssessment(claim.Text, ClaimVerdict.PartiallySupported, Confidence(coverage), snippets,
                $"Partially supported: {found}; not found: {Quote(missing)}.");
        }

        return new ClaimAssessment(claim.Text, ClaimVerdict.Unsupported, Confidence(1 - coverage), snippets,
            $"Unsupported: only {found}; not found: {Quote(missing)}.");
    }

    private Contradiction? FindContradiction(AnalyzedText claim, IReadOnlyList<EvidenceMatch> matches, out bool hasFullSupport)
    {
        Contradiction? first = null;
        hasFullSupport = false;
        foreach (var match in matches)
        {
            var contradiction = detector.Detect(claim, match.Sentence);
            if (contradiction is null)
            {
                hasFullSupport |= match.Coverage >= SupportedCoverage && claim.Terms.Where(t => t.IsSpecific).All(match.Sentence.Analysis.Mentions);
            }
            else
            {
                first ??= contradiction;
            }
        }

        return first;
    }

    private static HashSet<Term> CoveredTerms(IReadOnlyList<EvidenceMatch> matches)
    {
        var covered = new HashSet<Term>(matches[0].CoveredTerms);
        foreach (var match in matches.Skip(1))
        {
            if (match.Coverage >= ContributingCoverage)
            {
                covered.UnionWith(match.CoveredTerms);
            }
        }

        return covered;
    }

    private static float Confidence(double value) => (float)Math.Round(Math.Clamp(value, 0, 1), 3);

    private static string Cite(EvidenceSentence sentence) => $"document '{sentence.DocumentId}'";

    private static string Quote(IEnumerable<Term> terms) => string.Join(", ", terms.Select(t => $"'{t.Surface}'"));

    private static string Snippet(string sentence)
    {
        if (sentence.Length <= MaxSnippetLength)
        {
            return sentence;
        }

        var cut = sentence.LastIndexOf(' ', MaxSnippetLength - 1);
        return string.Concat(sentence.AsSpan(0, cut > 0 ? cut : MaxSnippetLength - 1), "…");
    }
}
