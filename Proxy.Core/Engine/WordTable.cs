using System.Text;

namespace TruthTable.Core.Engine;

/// <summary>
/// The words an engine thread has met, so a word met again costs no allocation. The engine tokenises every audit's
/// context twice and its answer twice, and the embedded engine shares the proxy's heap: each string it drops is
/// collector work that pauses proxied requests. Per thread, so no locks; emptied when full, so a stream of
/// distinct words cannot grow it past <see cref="MaxWords"/>.
/// </summary>
internal static class WordTable
{
    private const int MaxWords = 16_384;

    /// <summary>Words up to this length are normalised in a stack buffer; longer ones are rare enough to allocate.</summary>
    internal const int MaxStackWord = 128;

    [ThreadStatic]
    private static Dictionary<string, string>? t_words;

    [ThreadStatic]
    private static Dictionary<string, string>? t_stems;

    /// <summary>How many words this thread keeps (for tests).</summary>
    internal static int Count => t_words?.Count ?? 0;

    /// <summary>The one string this thread keeps for <paramref name="word"/>.</summary>
    public static string Intern(ReadOnlySpan<char> word)
    {
        var words = t_words ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(word, out var known))
        {
            return known;
        }

        if (words.Count >= MaxWords)
        {
            words.Clear();
        }

        var text = word.ToString();
        words.Add(text, text);
        return text;
    }

    /// <summary><paramref name="word"/> in lower case (invariant culture), without a new string once seen.</summary>
    public static string Lower(string word)
    {
        if (!word.AsSpan().ContainsAnyInRange('A', 'Z') && Ascii.IsValid(word))
        {
            return word;
        }

        Span<char> lower = word.Length <= MaxStackWord ? stackalloc char[word.Length] : new char[word.Length];
        word.AsSpan().ToLowerInvariant(lower);
        return Intern(lower);
    }

    /// <summary><see cref="LightStemmer.Stem"/>, worked out once per word.</summary>
    public static string Stem(string lowercaseWord)
    {
        var stems = t_stems ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (stems.TryGetValue(lowercaseWord, out var stem))
        {
            return stem;
        }

        if (stems.Count >= MaxWords)
        {
            stems.Clear();
        }

        stem = LightStemmer.Stem(lowercaseWord);
        stems.Add(lowercaseWord, stem);
        return stem;
    }
}
