namespace TruthTable.Core.Engine;

/// <summary>
/// A deliberately light suffix stripper. It only has to map the inflections of a word in the answer and in the
/// context to the same key; linguistic correctness is not the goal ("located" and "location" both become "locat").
/// </summary>
internal static class LightStemmer
{
    private static readonly Dictionary<string, string> IrregularForms = new(StringComparer.Ordinal)
    {
        ["built"] = "build", ["began"] = "begin", ["begun"] = "begin", ["wrote"] = "write", ["written"] = "write",
        ["made"] = "make", ["took"] = "take", ["taken"] = "take", ["gave"] = "give", ["given"] = "give",
        ["won"] = "win", ["led"] = "lead", ["sold"] = "sell", ["bought"] = "buy", ["held"] = "hold",
        ["grew"] = "grow", ["grown"] = "grow", ["rose"] = "rise", ["risen"] = "rise", ["fell"] = "fall",
        ["fallen"] = "fall", ["ran"] = "run", ["chose"] = "choose", ["chosen"] = "choose", ["became"] = "become",
        ["came"] = "come", ["went"] = "go", ["gone"] = "go", ["knew"] = "know", ["known"] = "know",
        ["saw"] = "see", ["seen"] = "see", ["thought"] = "think", ["brought"] = "bring", ["taught"] = "teach",
        ["spoke"] = "speak", ["spoken"] = "speak", ["sent"] = "send", ["spent"] = "spend", ["left"] = "leave",
        ["children"] = "child", ["men"] = "man", ["women"] = "woman", ["people"] = "person", ["feet"] = "foot",
        ["larger"] = "large", ["largest"] = "large", ["bigger"] = "big", ["biggest"] = "big",
        ["smaller"] = "small", ["smallest"] = "small", ["higher"] = "high", ["highest"] = "high",
        ["lower"] = "low", ["lowest"] = "low", ["longer"] = "long", ["longest"] = "long",
    };

    public static string Stem(string lowercaseWord)
    {
        // Irregular forms are mapped to their base form and then stemmed like any other word.
        var word = IrregularForms.TryGetValue(lowercaseWord, out var baseForm) ? baseForm : lowercaseWord;
        if (word.Length <= 3)
        {
            return word;
        }

        word = StripPlural(word);
        word = StripFirst(word, ("ment", 4), ("ness", 4), ("ion", 4), ("ing", 3), ("ed", 3), ("ly", 4));
        if (word.Length > 4 && word[^1] == 'e')
        {
            word = word[..^1];
        }

        // "stopped" → "stopp" → "stop", "running" → "runn" → "run".
        if (word.Length > 3 && word[^1] == word[^2] && !IsVowel(word[^1]) && word[^1] is not ('l' or 's' or 'z'))
        {
            word = word[..^1];
        }

        return word;
    }

    /// <summary>
    /// True when one stem extends the other by at most three letters ("develop"/"developer",
    /// "recommend"/"recommendat") — forms of one word that the suffix rules did not unify. Five letters at least,
    /// so short words do not swallow each other; "capital" and "capitol" differ inside the word and stay apart.
    /// </summary>
    public static bool AreVariants(string stemA, string stemB)
    {
        var (shorter, longer) = stemA.Length <= stemB.Length ? (stemA, stemB) : (stemB, stemA);
        return shorter.Length >= 5
            && longer.Length - shorter.Length <= 3
            && longer.StartsWith(shorter, StringComparison.Ordinal);
    }

    private static string StripPlural(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            return word[..^3] + "y";
        }

        if (word.EndsWith("sses", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        if (word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("ches", StringComparison.Ordinal)
            || word.EndsWith("xes", StringComparison.Ordinal) || word.EndsWith("zes", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        if (word[^1] == 's' && word[^2] is not ('s' or 'u' or 'i'))
        {
            return word[..^1];
        }

        return word;
    }

    private static string StripFirst(string word, params ReadOnlySpan<(string Suffix, int MinimumStem)> rules)
    {
        foreach (var (suffix, minimumStem) in rules)
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= minimumStem)
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';
}
