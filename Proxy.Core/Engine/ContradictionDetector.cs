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

    // A swapped name sits where the original was: they must share a neighbouring term within this distance.
    private const int AlignmentWindow = 2;

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

    private static readonly HashSet<string> CalendarNames = new(
        new[]
        {
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        }.Select(LightStemmer.Stem),
        StringComparer.Ordinal);

    public Contradiction? Detect(AnalyzedText claim, EvidenceSentence evidence)
    {
        var clauses = AnalyzeClauses(evidence);
        var bestClause = BestClause(clauses, claim);
        foreach (var clause in clauses)
        {
            var conflict = FindNumberConflict(claim, clause, bestClause, evidence)
                ?? FindEntityConflict(claim, clause, bestClause, evidence);
            if (conflict is not null)
            {
                return conflict;
            }
        }

        // Polarity is judged against the one clause the claim is about, not a neighbouring clause's "not".
        return FindNegationConflict(claim, bestClause, evidence) ?? FindOppositeWord(claim, bestClause, evidence);
    }

    /// <summary>The first clause that mentions the most of the claim's terms.</summary>
    private static AnalyzedText BestClause(List<AnalyzedText> clauses, AnalyzedText claim)
    {
        var best = clauses[0];
        var bestCount = best.CountMentioned(claim.Terms);
        for (var i = 1; i < clauses.Count; i++)
        {
            var count = clauses[i].CountMentioned(claim.Terms);
            if (count > bestCount)
            {
                best = clauses[i];
                bestCount = count;
            }
        }

        return best;
    }

    private List<AnalyzedText> AnalyzeClauses(EvidenceSentence evidence)
    {
        var texts = ClauseSplitter.Split(evidence.Text);
        return texts.Count == 1 ? [evidence.Analysis] : texts.Select(extractor.Analyze).ToList();
    }

    private static Contradiction? FindNumberConflict(AnalyzedText claim, AnalyzedText clause, AnalyzedText bestClause, EvidenceSentence evidence)
    {
        var claimOnly = Unmentioned(claim.Terms, clause, TermKind.Number);
        var evidenceOnly = Unmentioned(clause.Terms, claim, TermKind.Number);
        if (claimOnly.Count == 0 || evidenceOnly.Count == 0)
        {
            return null;
        }

        var rest = RestCoverage(claim, clause, bestClause, evidence.Analysis, claimOnly);
        return rest >= SameFactCoverage
            ? new Contradiction(ContradictionKind.Number, Join(claimOnly), Join(evidenceOnly), evidence, rest)
            : null;
    }

    private static Contradiction? FindEntityConflict(AnalyzedText claim, AnalyzedText clause, AnalyzedText bestClause, EvidenceSentence evidence)
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

        if (missing.Count == 0)
        {
            return null;
        }

        var aligned = new List<Term>();
        foreach (var extra in Unmentioned(clause.Terms, claim, TermKind.Entity))
        {
            if (!AnyRunMateMentioned(clause, extra, claim) && missing.Any(m => AreAligned(claim, m, clause, extra)))
            {
                aligned.Add(extra);
            }
        }

        if (aligned.Count == 0)
        {
            return null;
        }

        var rest = RestCoverage(claim, clause, bestClause, evidence.Analysis, missing);
        return rest >= SameFactCoverage
            ? new Contradiction(ContradictionKind.Entity, Join(missing), Join(aligned), evidence, rest)
            : null;
    }

    /// <summary>
    /// True when the claim's name and the evidence's name fill the same slot — they share a neighbouring term
    /// ("Rotterdam is the capital" / "Amsterdam is the capital"). Without this, "the Eagle landed on the Moon"
    /// would clash with "Commander Neil Armstrong … landed the Eagle" over "Moon" versus "Commander".
    /// </summary>
    private static bool AreAligned(AnalyzedText claim, Term claimName, AnalyzedText clause, Term evidenceName)
    {
        // A date can only be swapped for a date: "on the Moon" and "on July 20" are different slots.
        if (IsCalendarName(claimName.Key) != IsCalendarName(evidenceName.Key))
        {
            return false;
        }

        var claimNeighbours = Neighbours(claim.Terms, claimName);
        foreach (var neighbour in Neighbours(clause.Terms, evidenceName))
        {
            if (claimNeighbours.Any(c => c.Key == neighbour.Key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCalendarName(string key) => CalendarNames.Contains(key);

    private static IEnumerable<Term> Neighbours(IReadOnlyList<Term> terms, Term term)
    {
        var index = -1;
        for (var i = 0; i < terms.Count; i++)
        {
            if (terms[i].Key == term.Key)
            {
                index = i;
                break;
            }
        }

        for (var i = Math.Max(0, index - AlignmentWindow); i <= Math.Min(terms.Count - 1, index + AlignmentWindow); i++)
        {
            if (i != index && terms[i].Kind != TermKind.Entity)
            {
                yield return terms[i];
            }
        }
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

    private static List<Term> Unmentioned(List<Term> terms, AnalyzedText other, TermKind kind)
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

    /// <summary>True when another word of the same name ("Marie" in "Marie Curie") appears in the other text.</summary>
    private static bool AnyRunMateMentioned(AnalyzedText owner, Term term, AnalyzedText other)
    {
        foreach (var run in owner.EntityRuns)
        {
            if (Array.IndexOf(run, term.Key) < 0)
            {
                continue;
            }

            foreach (var mate in run)
            {
                if (mate != term.Key && other.Terms.Any(t => t.Key == mate))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// How surely the conflicting clause states the same fact as the claim: the share of the claim's other terms it
    /// mentions. The clause the claim matches best is measured with its whole sentence, because it may say "it" for
    /// the subject. A sibling clause must carry the fact by itself, and loses to the best clause when that one
    /// agrees on the detail: "began in 1887, and was completed in 1889" does not contradict "began in 1887".
    /// </summary>
    private static double RestCoverage(
        AnalyzedText claim, AnalyzedText clause, AnalyzedText bestClause, AnalyzedText sentence, List<Term> conflicting)
    {
        var isBestClause = ReferenceEquals(clause, bestClause);
        if (!isBestClause && conflicting.Any(bestClause.Mentions))
        {
            return 0;
        }

        var restCount = claim.Terms.Count - conflicting.Count;
        if (restCount <= 0)
        {
            return 0;
        }

        var scope = isBestClause ? sentence : clause;
        var inScope = 0;
        var inClause = 0;
        foreach (var term in claim.Terms)
        {
            if (conflicting.Contains(term))
            {
                continue;
            }

            inScope += scope.Mentions(term) ? 1 : 0;
            inClause += clause.Mentions(term) ? 1 : 0;
        }

        return inClause == 0 ? 0 : (double)inScope / restCount;
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
