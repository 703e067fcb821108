namespace TruthTable.Core.Engine;

/// <summary>
/// Looks for a detail of a claim that a matching evidence sentence states differently: another number or date,
/// another name, the opposite polarity ("not"), or an opposite word ("before"/"after"). A difference only counts
/// when the rest of the claim matches the evidence well — otherwise the two are simply about different things.
/// </summary>
internal sealed class ContradictionDetector(TermExtractor extractor)
{
    // At least half of the claim's other terms must appear in the evidence for it to be "the same fact".
    private const double SameFactCoverage = 0.5;

    private static readonly (string, string)[] OppositeWordPairs =
    [
        ("before", "after"), ("increase", "decrease"), ("more", "less"), ("more", "fewer"), ("high", "low"),
        ("large", "small"), ("above", "below"), ("maximum", "minimum"), ("enable", "disable"), ("allow", "deny"),
        ("allow", "block"), ("true", "false"), ("synchronous", "asynchronous"), ("public", "private"),
        ("required", "optional"), ("earlier", "later"), ("rise", "fall"), ("add", "remove"), ("accept", "reject"),
        ("start", "stop"), ("first", "last"), ("north", "south"), ("east", "west"), ("inbound", "outbound"),
        ("success", "failure"), ("win", "lose"),
    ];

    private static readonly Dictionary<string, List<string>> OppositesByStem = BuildOpposites();

    public Contradiction? Detect(AnalyzedText claim, EvidenceSentence evidence)
    {
        var clause = BestMatchingClause(claim, evidence);
        return FindNumberConflict(claim, clause, evidence)
            ?? FindEntityConflict(claim, clause, evidence)
            ?? FindNegationConflict(claim, clause, evidence)
            ?? FindOppositeWord(claim, clause, evidence);
    }

    /// <summary>The clause of the evidence sentence that shares most terms with the claim; negation and numbers are scoped to it.</summary>
    private AnalyzedText BestMatchingClause(AnalyzedText claim, EvidenceSentence evidence)
    {
        var clauses = ClauseSplitter.Split(evidence.Text);
        if (clauses.Count == 1)
        {
            return evidence.Analysis;
        }

        AnalyzedText? best = null;
        var bestCount = -1;
        foreach (var text in clauses)
        {
            var clause = extractor.Analyze(text);
            var count = clause.CountMentioned(claim.Terms);
            if (count > bestCount)
            {
                best = clause;
                bestCount = count;
            }
        }

        return best!;
    }

    private static Contradiction? FindNumberConflict(AnalyzedText claim, AnalyzedText clause, EvidenceSentence evidence)
    {
        var claimOnly = Unmentioned(claim.Terms, clause, TermKind.Number);
        var evidenceOnly = Unmentioned(clause.Terms, claim, TermKind.Number);
        if (claimOnly.Count == 0 || evidenceOnly.Count == 0)
        {
            return null;
        }

        var rest = RestCoverage(claim, evidence.Analysis, claimOnly);
        return rest >= SameFactCoverage
            ? new Contradiction(ContradictionKind.Number, Join(claimOnly), Join(evidenceOnly), evidence, rest)
            : null;
    }

    private static Contradiction? FindEntityConflict(AnalyzedText claim, AnalyzedText clause, EvidenceSentence evidence)
    {
        // A name counts as missing only when no part of it is there: "Marie Curie" vs "Curie" is not a swap.
        var missing = new List<Term>();
        foreach (var term in Unmentioned(claim.Terms, clause, TermKind.Entity))
        {
            if (!AnyRunMateMentioned(claim, term, clause))
            {
                missing.Add(term);
            }
        }

        var extra = Unmentioned(clause.Terms, claim, TermKind.Entity);
        if (missing.Count == 0 || extra.Count == 0)
        {
            return null;
        }

        var rest = RestCoverage(claim, evidence.Analysis, missing);
        return rest >= SameFactCoverage
            ? new Contradiction(ContradictionKind.Entity, Join(missing), Join(extra), evidence, rest)
            : null;
    }

    private static Contradiction? FindNegationConflict(AnalyzedText claim, AnalyzedText clause, EvidenceSentence evidence)
    {
        if (claim.IsNegated == clause.IsNegated)
        {
            return null;
        }

        // The denial must be about something the other side asserts: "supports paging but not filtering" does
        // not contradict "supports paging".
        var (negated, other) = claim.IsNegated ? (claim, clause) : (clause, claim);
        var deniedAndAsserted = negated.Terms.Any(t => negated.NegatedTermKeys.Contains(t.Key) && other.Mentions(t));
        var coverage = (double)clause.CountMentioned(claim.Terms) / claim.Terms.Count;
        if (!deniedAndAsserted || coverage < SameFactCoverage)
        {
            return null;
        }

        return claim.IsNegated
            ? new Contradiction(ContradictionKind.Negation, "denies", "asserts", evidence, coverage)
            : new Contradiction(ContradictionKind.Negation, "asserts", "denies", evidence, coverage);
    }

    private static Contradiction? FindOppositeWord(AnalyzedText claim, AnalyzedText clause, EvidenceSentence evidence)
    {
        foreach (var stem in claim.AllStems)
        {
            if (!OppositesByStem.TryGetValue(stem, out var opposites) || clause.AllStems.Contains(stem))
            {
                continue;
            }

            foreach (var opposite in opposites)
            {
                if (clause.AllStems.Contains(opposite) && !claim.AllStems.Contains(opposite))
                {
                    var coverage = (double)clause.CountMentioned(claim.Terms) / claim.Terms.Count;
                    if (coverage >= SameFactCoverage)
                    {
                        return new Contradiction(ContradictionKind.OppositeWord, stem, opposite, evidence, coverage);
                    }
                }
            }
        }

        return null;
    }

    private static List<Term> Unmentioned(IReadOnlyList<Term> terms, AnalyzedText other, TermKind kind)
    {
        var result = new List<Term>();
        foreach (var term in terms)
        {
            if (term.Kind == kind && !other.Mentions(term))
            {
                result.Add(term);
            }
        }

        return result;
    }

    private static bool AnyRunMateMentioned(AnalyzedText claim, Term term, AnalyzedText clause)
    {
        foreach (var run in claim.EntityRuns)
        {
            if (Array.IndexOf(run, term.Key) < 0)
            {
                continue;
            }

            foreach (var mate in run)
            {
                if (mate != term.Key && clause.Terms.Any(t => t.Key == mate || LightStemmer.AreVariants(t.Key, mate)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static double RestCoverage(AnalyzedText claim, AnalyzedText evidence, List<Term> conflicting)
    {
        var restCount = claim.Terms.Count - conflicting.Count;
        if (restCount <= 0)
        {
            return 0;
        }

        var mentioned = 0;
        foreach (var term in claim.Terms)
        {
            if (!conflicting.Contains(term) && evidence.Mentions(term))
            {
                mentioned++;
            }
        }

        return (double)mentioned / restCount;
    }

    private static string Join(List<Term> terms) => string.Join(", ", terms.Select(t => $"'{t.Surface}'"));

    private static Dictionary<string, List<string>> BuildOpposites()
    {
        var opposites = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (a, b) in OppositeWordPairs)
        {
            Add(LightStemmer.Stem(a), LightStemmer.Stem(b));
            Add(LightStemmer.Stem(b), LightStemmer.Stem(a));
        }

        return opposites;

        void Add(string from, string to)
        {
            if (!opposites.TryGetValue(from, out var list))
            {
                list = [];
                opposites[from] = list;
            }

            list.Add(to);
        }
    }
}
