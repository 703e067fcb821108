namespace TruthTable.Core.Engine;

/// <summary>Turns a sentence, clause or claim into an <see cref="AnalyzedText"/>. Safe for concurrent use.</summary>
internal sealed class TermExtractor(LowercaseVocabulary vocabulary)
{
    private static readonly IReadOnlySet<string> NoKeys = new HashSet<string>();

    private static readonly HashSet<string> NegationWords = new(StringComparer.Ordinal)
    {
        // "nor" is absent on purpose: "neither X nor Y" is one denial, and parity would cancel a second one.
        "not", "no", "never", "none", "neither", "cannot", "nothing", "nobody", "nowhere", "without",
    };

    // "no more than 4 g", "must not exceed", "not only … but also": bounds and emphasis, not denials.
    private static readonly HashSet<string> WordsThatCancelANegation = new(
        new[] { "more", "less", "fewer", "later", "earlier", "exceed", "greater", "only" }.Select(LightStemmer.Stem),
        StringComparer.Ordinal);

    private static readonly Dictionary<string, string> SpelledNumbers = new(StringComparer.Ordinal)
    {
        ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5", ["six"] = "6", ["seven"] = "7",
        ["eight"] = "8", ["nine"] = "9", ["ten"] = "10", ["eleven"] = "11", ["twelve"] = "12",
        ["twenty"] = "20", ["thirty"] = "30", ["forty"] = "40", ["fifty"] = "50",
    };

    // "the second person" vs "the first person": ranks are checkable facts. Keys differ from cardinals ("#2" ≠ "2").
    private static readonly Dictionary<string, string> Ordinals = new(StringComparer.Ordinal)
    {
        ["first"] = "#1", ["second"] = "#2", ["third"] = "#3", ["fourth"] = "#4", ["fifth"] = "#5",
        ["sixth"] = "#6", ["seventh"] = "#7", ["eighth"] = "#8", ["ninth"] = "#9", ["tenth"] = "#10",
    };

    public AnalyzedText Analyze(string text)
    {
        // Per thread, not per instance: instances are shared (ClaimSplitter has one).
        var tokens = WordTokenizer.Tokenize(text, WordTokenizer.Rent());
        var terms = new List<Term>(tokens.Count);
        var termKeys = new HashSet<string>(tokens.Count, StringComparer.Ordinal);
        List<string[]>? entityRuns = null;
        List<string>? currentRun = null;
        var allStems = new HashSet<string>(tokens.Count, StringComparer.Ordinal);
        var negations = 0;
        HashSet<string>? negatedKeys = null;

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var lower = WordTable.Lower(token.Text);
            var term = ToTerm(token, lower);

            if (term is { Kind: TermKind.Entity })
            {
                (currentRun ??= []).Add(term.Value.Key);
            }
            else
            {
                CloseRun(currentRun, ref entityRuns);
            }

            if (token.Shape == TokenShape.Word)
            {
                allStems.Add(WordTable.Stem(lower));
                if (IsNegation(lower))
                {
                    if (!IsCancelled(tokens, i))
                    {
                        negations++;
                    }

                    continue;
                }
            }

            if (term is not { } content)
            {
                continue;
            }

            if (!termKeys.Add(content.Key))
            {
                continue;
            }

            terms.Add(content);

            // What follows a negation is in its scope (clauses are short enough for that), unless it was already
            // asserted before it: in "Python 3 is not compatible with Python 2" the denial is not about Python.
            if (negations > 0)
            {
                (negatedKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(content.Key);
            }
        }

        CloseRun(currentRun, ref entityRuns);
        WordTokenizer.Return(tokens);
        return new AnalyzedText(text, terms, termKeys, (IReadOnlyList<string[]>?)entityRuns ?? [], negations,
            (IReadOnlySet<string>?)negatedKeys ?? NoKeys, allStems);
    }

    /// <summary>
    /// Whether <see cref="Analyze"/> would find at least one content term, without building the analysis: the claim
    /// splitter asks this of every clause it keeps, and the auditor analyses the clause again afterwards.
    /// </summary>
    public bool HasContentTerm(string text)
    {
        var tokens = WordTokenizer.Tokenize(text, WordTokenizer.Rent());
        var found = false;
        foreach (var token in tokens)
        {
            var lower = WordTable.Lower(token.Text);
            // A negation is never a term, even when written as an acronym ("NOT"): Analyze skips it first.
            if (token.Shape == TokenShape.Word && IsNegation(lower))
            {
                continue;
            }

            if (ToTerm(token, lower) is not null)
            {
                found = true;
                break;
            }
        }

        WordTokenizer.Return(tokens);
        return found;
    }

    private Term? ToTerm(Token token, string lower)
    {
        switch (token.Shape)
        {
            case TokenShape.Number:
                return new Term(token.Text, token.Text, TermKind.Number);
            case TokenShape.Identifier:
                return new Term(lower, token.Text, TermKind.Entity);
        }

        if (IsAcronym(token.Text))
        {
            return new Term(lower, token.Text, TermKind.Entity);
        }

        if (Ordinals.TryGetValue(lower, out var ordinal))
        {
            return new Term(ordinal, token.Text, TermKind.Number);
        }

        if (SpelledNumbers.TryGetValue(lower, out var digits))
        {
            return new Term(digits, token.Text, TermKind.Number);
        }

        // "in May" is a month; "it may rain" is a modal verb.
        if (lower == "may" && char.IsUpper(token.Text[0]) && !token.IsFirstInText)
        {
            return new Term(lower, token.Text, TermKind.Entity);
        }

        if (EnglishStopWords.Contains(lower) || IsNegation(lower) || lower.Length == 1)
        {
            return null;
        }

        var kind = IsProperNoun(token, lower) ? TermKind.Entity : TermKind.Word;
        return new Term(WordTable.Stem(lower), token.Text, kind);
    }

    private bool IsProperNoun(Token token, string lower)
    {
        if (!char.IsUpper(token.Text[0]))
        {
            return false;
        }

        if (!token.IsFirstInText)
        {
            return true;
        }

        // A capitalised first word is a name only if the texts never use it as an ordinary word.
        return !token.IsFollowedByComma && !vocabulary.Contains(lower);
    }

    private static bool IsAcronym(string text)
    {
        if (text.Length < 2)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNegation(string lower) =>
        NegationWords.Contains(lower) || lower.EndsWith("n't", StringComparison.Ordinal);

    private static bool IsCancelled(List<Token> tokens, int negationIndex)
    {
        // Look past one auxiliary: "must not exceed", "no more than".
        for (var j = negationIndex + 1; j < tokens.Count && j <= negationIndex + 2; j++)
        {
            var next = WordTable.Stem(WordTable.Lower(tokens[j].Text));
            if (WordsThatCancelANegation.Contains(next))
            {
                return true;
            }
        }

        return false;
    }

    private static void CloseRun(List<string>? currentRun, ref List<string[]>? runs)
    {
        if (currentRun is { Count: > 0 })
        {
            (runs ??= []).Add([.. currentRun]);
            currentRun.Clear();
        }
    }
}
