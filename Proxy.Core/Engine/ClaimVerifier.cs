namespace TruthTable.Core.Engine;

/// <summary>
/// Decides one claim's verdict from its best evidence matches:
/// a conflicting detail in a sentence that matches the claim better than any agreeing sentence → Contradicted;
/// a number or name found in none of the matches → Unsupported, since invented specifics are the typical
/// hallucination; otherwise the rarity-weighted share of the claim's terms found in the evidence decides —
/// ≥ 75 % Supported, ≥ 40 % PartiallySupported, below that Unsupported. Weighting by rarity keeps the topic words
/// every context sentence repeats ("API", "order") from making an invented claim look half supported.
/// </summary>
internal sealed class ClaimVerifier(ContradictionDetector detector, Func<Term, double> termWeight)
{
    public const double SupportedCoverage = 0.75;
    public const double PartialCoverage = 0.40;

    // A side match may contribute the subject that the main match calls "it".
    private const double ContributingCoverage = 0.25;
    private const int MaxSnippetLength = 300;

    public static ClaimAssessment VerifyWithoutContext(AnalyzedText claim) =>
        new(claim.Text, ClaimVerdict.Unsupported, 1f, [], "Unsupported: no context was given to support it.");

    public ClaimAssessment Verify(AnalyzedText claim, List<EvidenceMatch> matches)
    {
        if (matches.Count == 0)
        {
            return new ClaimAssessment(claim.Text, ClaimVerdict.Unsupported, 0.9f, [],
                "Unsupported: no context sentence shares a content word with the claim.");
        }

        if (FindContradiction(claim, matches) is { } contradiction)
        {
            var evidence = new List<string> { Snippet(contradiction.Evidence.Text) };
            evidence.AddRange(matches.Where(m => m.Sentence != contradiction.Evidence).Select(m => Snippet(m.Sentence.Text)));
            return new ClaimAssessment(claim.Text, ClaimVerdict.Contradicted, Confidence(0.5 + contradiction.RestCoverage / 2),
                evidence, $"Contradicted: {contradiction.Describe()} ({Cite(contradiction.Evidence)}).");
        }

        var covered = CoveredTerms(matches);
        var coverage = WeightedShare(claim.Terms, covered);
        var missing = new List<Term>();
        var missingSpecifics = new List<Term>();
        foreach (var term in claim.Terms)
        {
            if (!covered.Contains(term))
            {
                missing.Add(term);
                if (term.IsSpecific)
                {
                    missingSpecifics.Add(term);
                }
            }
        }

        var snippets = new List<string>(matches.Count);
        foreach (var match in matches)
        {
            snippets.Add(Snippet(match.Sentence.Text));
        }

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

    /// <summary>
    /// A conflict counts only if its sentence matches the claim better than every sentence that agrees with it;
    /// otherwise the claim is most likely about the agreeing sentence and the conflict about something else.
    /// </summary>
    private Contradiction? FindContradiction(AnalyzedText claim, List<EvidenceMatch> matches)
    {
        Contradiction? strongest = null;
        var strongestCoverage = -1.0;
        var bestAgreeingCoverage = 0.0;
        foreach (var match in matches)
        {
            var contradiction = detector.Detect(claim, match.Sentence);
            if (contradiction is null)
            {
                bestAgreeingCoverage = Math.Max(bestAgreeingCoverage, match.Coverage);
            }
            else if (match.Coverage > strongestCoverage)
            {
                strongest = contradiction;
                strongestCoverage = match.Coverage;
            }
        }

        return strongestCoverage > bestAgreeingCoverage ? strongest : null;
    }

    /// <summary>
    /// Terms backed by the matches: any term of the best match and of side matches that cover enough of the claim,
    /// and names and numbers wherever they appear among the matches — a side sentence that only says "Apollo 11"
    /// still establishes that the context is about Apollo 11.
    /// </summary>
    private static HashSet<Term> CoveredTerms(List<EvidenceMatch> matches)
    {
        var covered = new HashSet<Term>(matches[0].CoveredTerms);
        for (var i = 1; i < matches.Count; i++)
        {
            var contributes = matches[i].Coverage >= ContributingCoverage;
            foreach (var term in matches[i].CoveredTerms)
            {
                if (contributes || term.IsSpecific)
                {
                    covered.Add(term);
                }
            }
        }

        return covered;
    }

    private double WeightedShare(List<Term> terms, HashSet<Term> covered)
    {
        double total = 0, found = 0;
        foreach (var term in terms)
        {
            var weight = termWeight(term);
            total += weight;
            found += covered.Contains(term) ? weight : 0;
        }

        return total == 0 ? 0 : found / total;
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
