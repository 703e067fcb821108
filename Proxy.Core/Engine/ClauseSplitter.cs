namespace TruthTable.Core.Engine;

/// <summary>
/// Splits a sentence into coordinated clauses ("X was built in 1889, and it is 330 m tall") so that each clause
/// can be checked, and negated, on its own. A clause that starts with an auxiliary borrows the subject of the
/// clause before it: "The tower was built in 1889 and is 330 m tall" gives "The tower is 330 m tall".
/// </summary>
internal static class ClauseSplitter
{
    private const int MinimumClauseWords = 3;

    // With a comma (or a semicolon) the connector nearly always joins two clauses.
    private static readonly string[] PunctuatedConnectors =
        ["; ", ", and ", ", but ", ", while ", ", whereas ", ", although ", ", though ", ", yet ", ", so ", ", and then "];

    // Without a comma "and" mostly joins nouns ("salt and pepper"); split only before a new subject or verb.
    private static readonly string[] BareConnectors = [" and ", " but ", " whereas ", " while "];

    private static readonly HashSet<string> Auxiliaries = new(StringComparer.OrdinalIgnoreCase)
    {
        "is", "are", "was", "were", "has", "have", "had", "can", "will", "does", "did", "do", "should", "must",
        "may", "might", "could", "would", "cannot",
    };

    private static readonly HashSet<string> PronounSubjects = new(StringComparer.OrdinalIgnoreCase)
    {
        "it", "they", "he", "she", "this", "these", "there", "we", "you", "its", "their", "his", "her",
    };

    private static readonly HashSet<string> Determiners = new(StringComparer.OrdinalIgnoreCase) { "the", "a", "an" };

    public static List<string> Split(string sentence)
    {
        var clauses = new List<string>();
        var remaining = sentence.Trim();
        while (TryFindSplit(remaining, out var left, out var right))
        {
            clauses.Add(TrimClause(left));
            remaining = WithBorrowedSubject(left, right);
        }

        clauses.Add(TrimClause(remaining));
        return clauses;
    }

    private static bool TryFindSplit(string text, out string left, out string right)
    {
        var bestIndex = -1;
        var bestLength = 0;
        ConsiderConnectors(text, PunctuatedConnectors, punctuated: true, ref bestIndex, ref bestLength);
        ConsiderConnectors(text, BareConnectors, punctuated: false, ref bestIndex, ref bestLength);

        if (bestIndex < 0)
        {
            left = right = string.Empty;
            return false;
        }

        left = text[..bestIndex];
        right = text[(bestIndex + bestLength)..];
        return true;
    }

    private static void ConsiderConnectors(string text, string[] connectors, bool punctuated, ref int bestIndex, ref int bestLength)
    {
        foreach (var connector in connectors)
        {
            var from = 0;
            int index;
            while ((index = text.IndexOf(connector, from, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                from = index + 1;
                if (bestIndex >= 0 && index >= bestIndex)
                {
                    break;
                }

                var left = text.AsSpan(0, index);
                var right = text.AsSpan(index + connector.Length);
                var isSemicolon = connector[0] == ';';
                if (CountWords(left) >= MinimumClauseWords && (isSemicolon ? CountWords(right) >= 2 : StartsClause(right, punctuated)))
                {
                    bestIndex = index;
                    bestLength = connector.Length;
                    break;
                }
            }
        }
    }

    private static bool StartsClause(ReadOnlySpan<char> right, bool punctuated)
    {
        if (CountWords(right) < MinimumClauseWords)
        {
            return false;
        }

        var firstWord = FirstWord(right);
        if (Auxiliaries.Contains(firstWord) || PronounSubjects.Contains(firstWord))
        {
            return true;
        }

        return punctuated && (Determiners.Contains(firstWord) || char.IsUpper(firstWord[0]));
    }

    private static string WithBorrowedSubject(string left, string right)
    {
        var words = left.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!Auxiliaries.Contains(FirstWord(right)))
        {
            return right;
        }

        for (var i = 1; i < words.Length; i++)
        {
            if (Auxiliaries.Contains(words[i]))
            {
                return string.Join(' ', words[..i]) + " " + right;
            }
        }

        return right;
    }

    private static string FirstWord(ReadOnlySpan<char> text)
    {
        text = text.TrimStart();
        var end = 0;
        while (end < text.Length && char.IsLetterOrDigit(text[end]))
        {
            end++;
        }

        return end == 0 ? " " : text[..end].ToString();
    }

    private static int CountWords(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var _ in text.Trim().Split(' '))
        {
            count++;
        }

        return text.Trim().IsEmpty ? 0 : count;
    }

    private static string TrimClause(string clause)
    {
        var trimmed = clause.AsSpan().Trim().TrimEnd(",;").Trim();
        return trimmed.Length == clause.Length ? clause : trimmed.ToString();
    }
}
