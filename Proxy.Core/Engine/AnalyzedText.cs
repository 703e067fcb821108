namespace TruthTable.Core.Engine;

/// <summary>
/// A sentence, clause or claim reduced to what can be checked: content terms, names and negations. The collections
/// are typed as what they are, not as interfaces, so the matching loops enumerate them without boxing an enumerator:
/// the embedded engine runs on the proxy's heap.
/// </summary>
internal sealed class AnalyzedText
{
    private readonly HashSet<string> _termKeys;

    /// <param name="termKeys">The keys of <paramref name="terms"/> as a set, kept as given.</param>
    public AnalyzedText(
        string text,
        List<Term> terms,
        HashSet<string> termKeys,
        IReadOnlyList<string[]> entityRuns,
        int negationCount,
        IReadOnlySet<string> negatedTermKeys,
        HashSet<string> allStems)
    {
        Text = text;
        Terms = terms;
        EntityRuns = entityRuns;
        NegationCount = negationCount;
        NegatedTermKeys = negatedTermKeys;
        AllStems = allStems;
        _termKeys = termKeys;
    }

    public string Text { get; }

    /// <summary>Distinct content terms in order of appearance.</summary>
    public List<Term> Terms { get; }

    /// <summary>Keys of consecutive proper-noun words ("Gustave Eiffel"), so a partial name is not read as a swap.</summary>
    public IReadOnlyList<string[]> EntityRuns { get; }

    public int NegationCount { get; }

    /// <summary>Keys of the terms that follow a negation: what the text denies.</summary>
    public IReadOnlySet<string> NegatedTermKeys { get; }

    /// <summary>Stems of every word, stop words included; direction words such as "before" live here.</summary>
    public HashSet<string> AllStems { get; }

    public bool IsNegated => NegationCount % 2 == 1;

    public bool Mentions(Term term)
    {
        if (_termKeys.Contains(term.Key))
        {
            return true;
        }

        // Names and numbers must match exactly: "Sensora" is not a variant of "sensor".
        if (term.Kind != TermKind.Word)
        {
            return false;
        }

        foreach (var own in Terms)
        {
            if (own.Kind == TermKind.Word && LightStemmer.AreVariants(own.Key, term.Key))
            {
                return true;
            }
        }

        return false;
    }

    public int CountMentioned(List<Term> terms)
    {
        var count = 0;
        foreach (var term in terms)
        {
            if (Mentions(term))
            {
                count++;
            }
        }

        return count;
    }

    public override string ToString() => Text;
}
