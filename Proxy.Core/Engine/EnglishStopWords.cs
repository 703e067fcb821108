namespace TruthTable.Core.Engine;

/// <summary>
/// Function words that carry no checkable fact. Negations are not here: they are counted separately because
/// flipping one flips the meaning of a claim.
/// </summary>
internal static class EnglishStopWords
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "this", "that", "these", "those", "it", "its", "it's", "they", "them", "their", "theirs",
        "he", "him", "his", "she", "her", "hers", "we", "us", "our", "you", "your", "i", "me", "my", "one", "ones",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "doing",
        "has", "have", "had", "having", "will", "would", "shall", "should", "can", "could", "may", "might", "must",
        "of", "in", "on", "at", "to", "for", "from", "by", "with", "as", "into", "onto", "upon", "within", "via",
        "about", "around", "approximately", "roughly", "nearly", "almost", "some", "any", "each", "every", "all",
        "and", "or", "nor", "but", "so", "yet", "if", "then", "than", "because", "while", "whereas", "although", "though",
        "which", "who", "whom", "whose", "what", "when", "where", "why", "how", "there", "here", "also", "too",
        "very", "just", "only", "really", "quite", "such", "both", "either", "other", "another", "same", "own",
        "up", "down", "out", "over", "under", "again", "further", "once", "per", "s", "t", "more", "most", "less", "least", "before", "after",
        "called", "named", "known", "located", "situated", "currently", "today", "generally", "usually",
        "typically", "actually", "basically", "essentially", "indeed", "however", "therefore", "thus", "hence",
        "overall", "based", "according", "respectively", "among", "between", "through", "during",
    };

    public static bool Contains(string lowercaseWord) => Words.Contains(lowercaseWord);
}
