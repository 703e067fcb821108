namespace TruthTable.Core.Engine;

/// <summary>
/// Splits prose or markdown into sentences: at ". ", "! ", "? " and line breaks, but not after abbreviations,
/// initials ("J. K. Rowling") or inside numbers ("3.5"). List markers and emphasis are stripped.
/// </summary>
internal static class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "e.g", "i.e", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "approx", "inc", "ltd", "co", "corp", "jr", "sr",
        "fig", "no", "u.s", "u.k", "cf", "al", "ca", "mt", "est",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> AbbreviationLookup =
        Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();

    public static List<string> Split(string text)
    {
        var sentences = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            SplitLine(line, sentences);
        }

        return sentences;
    }

    private static void SplitLine(string line, List<string> sentences)
    {
        var start = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] is '.' or '!' or '?' && IsSentenceEnd(line, i))
            {
                Add(line.AsSpan(start, i + 1 - start), sentences);
                start = i + 1;
            }
        }

        if (start < line.Length)
        {
            Add(line.AsSpan(start), sentences);
        }
    }

    private static bool IsSentenceEnd(string line, int i)
    {
        var next = i + 1;
        while (next < line.Length && line[next] is '"' or '\'' or ')' or '\u201D' or '*')
        {
            next++;
        }

        if (next < line.Length && !char.IsWhiteSpace(line[next]))
        {
            return false;
        }

        if (line[i] != '.')
        {
            return true;
        }

        if (IsListMarker(line, i))
        {
            return false;
        }

        var wordStart = i;
        while (wordStart > 0 && (char.IsLetter(line[wordStart - 1]) || line[wordStart - 1] == '.'))
        {
            wordStart--;
        }

        var word = line.AsSpan(wordStart, i - wordStart);
        var isInitial = word.Length == 1 && char.IsUpper(word[0]);
        return !isInitial && !AbbreviationLookup.Contains(word);
    }

    // "1. First step": the number before the dot starts the line.
    private static bool IsListMarker(string line, int dot)
    {
        var k = dot - 1;
        while (k >= 0 && char.IsDigit(line[k]))
        {
            k--;
        }

        return k < dot - 1 && line.AsSpan(0, k + 1).Trim(" -*#>\t").IsEmpty;
    }

    private static void Add(ReadOnlySpan<char> sentence, List<string> sentences)
    {
        var cleaned = StripMarkup(sentence.Trim());
        if (cleaned.Length > 0)
        {
            sentences.Add(cleaned);
        }
    }

    private static string StripMarkup(ReadOnlySpan<char> sentence)
    {
        // "- item", "* item", "• item", "1. item", "2) item", "## Heading".
        var start = 0;
        while (start < sentence.Length && sentence[start] is '-' or '*' or '•' or '#' or '>' or ' ')
        {
            start++;
        }

        var digits = start;
        while (digits < sentence.Length && char.IsDigit(sentence[digits]))
        {
            digits++;
        }

        if (digits > start && digits + 1 < sentence.Length && sentence[digits] is '.' or ')' && sentence[digits + 1] == ' ')
        {
            start = digits + 2;
        }

        return sentence[start..].ToString().Replace("**", string.Empty, StringComparison.Ordinal).Trim();
    }
}
