using System.Globalization;

namespace TruthTable.Core.Engine;

/// <summary>Splits one sentence or clause into word, number and identifier tokens.</summary>
internal static class WordTokenizer
{
    // One token list per thread, reused across the texts an audit tokenises: taken while in use, so a nested call
    // could not share it, and not kept after a very long text.
    private const int MaxKeptTokens = 4096;

    [ThreadStatic]
    private static List<Token>? t_spare;

    /// <summary>This thread's spare token list, or a new one; give it back with <see cref="Return"/>.</summary>
    public static List<Token> Rent()
    {
        var tokens = t_spare ?? new List<Token>(64);
        t_spare = null;
        return tokens;
    }

    public static void Return(List<Token> tokens)
    {
        if (tokens.Capacity <= MaxKeptTokens)
        {
            tokens.Clear();
            t_spare = tokens;
        }
    }

    /// <summary>Tokenises into <paramref name="tokens"/>, cleared first, so a caller can reuse one list.</summary>
    public static List<Token> Tokenize(string text, List<Token> tokens)
    {
        tokens.Clear();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '%')
            {
                // "45%" and "45 percent" must read the same.
                tokens.Add(new Token("percent", TokenShape.Word, tokens.Count == 0, IsCommaNext(text, i + 1)));
                i++;
                continue;
            }

            if (!char.IsLetterOrDigit(c))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsInsideToken(text, i))
            {
                i++;
            }

            var raw = text.AsSpan(start, i - start);
            var token = Classify(raw, tokens.Count == 0, IsCommaNext(text, i));
            if (token.Text.Length > 0)
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    private static bool IsInsideToken(string text, int i)
    {
        var c = text[i];
        if (char.IsLetterOrDigit(c))
        {
            return true;
        }

        var hasPrevious = i > 0;
        var hasNext = i + 1 < text.Length;
        if (!hasPrevious || !hasNext)
        {
            return false;
        }

        var previous = text[i - 1];
        var next = text[i + 1];
        return c switch
        {
            // Thousands separators and decimal points belong to the number: "10,100", "3.5".
            ',' or '.' => char.IsDigit(previous) && char.IsDigit(next),
            // "isn't", "Eiffel's".
            '\'' or '\u2019' => char.IsLetter(previous) && char.IsLetter(next),
            _ => false,
        };
    }

    private static bool IsCommaNext(string text, int i) => i < text.Length && text[i] == ',';

    private static Token Classify(ReadOnlySpan<char> raw, bool isFirst, bool isFollowedByComma)
    {
        var hasLetter = false;
        var hasDigit = false;
        foreach (var c in raw)
        {
            hasLetter |= char.IsLetter(c);
            hasDigit |= char.IsDigit(c);
        }

        if (hasDigit && !hasLetter)
        {
            return new Token(CanonicalNumber(raw), TokenShape.Number, isFirst, isFollowedByComma);
        }

        if (hasDigit && TrySplitNumberSuffix(raw, out var number))
        {
            return new Token(number, TokenShape.Number, isFirst, isFollowedByComma);
        }

        Span<char> normalized = raw.Length <= WordTable.MaxStackWord ? stackalloc char[raw.Length] : new char[raw.Length];
        raw.CopyTo(normalized);
        normalized.Replace('\u2019', '\'');
        ReadOnlySpan<char> word = normalized;
        if (word.EndsWith("'s", StringComparison.OrdinalIgnoreCase))
        {
            word = word[..^2];
        }

        return new Token(WordTable.Intern(word), hasDigit ? TokenShape.Identifier : TokenShape.Word, isFirst, isFollowedByComma);
    }

    // "21st" is the ordinal "#21" (as "first" is "#1"); in "1990s" the number is the fact and the "s" grammar.
    private static bool TrySplitNumberSuffix(ReadOnlySpan<char> raw, out string number)
    {
        var digits = 0;
        while (digits < raw.Length && (char.IsDigit(raw[digits]) || raw[digits] is '.' or ','))
        {
            digits++;
        }

        var suffix = raw[digits..];
        if (digits > 0 && (IsSuffix(suffix, "st") || IsSuffix(suffix, "nd") || IsSuffix(suffix, "rd") || IsSuffix(suffix, "th")))
        {
            number = "#" + CanonicalNumber(raw[..digits]);
            return true;
        }

        if (digits > 0 && IsSuffix(suffix, "s"))
        {
            number = CanonicalNumber(raw[..digits]);
            return true;
        }

        number = string.Empty;
        return false;
    }

    // The suffix lower-cased (invariant) equals the expected one, as a lower-cased string compared would.
    private static bool IsSuffix(ReadOnlySpan<char> suffix, string expected)
    {
        if (suffix.Length != expected.Length)
        {
            return false;
        }

        for (var i = 0; i < suffix.Length; i++)
        {
            if (char.ToLowerInvariant(suffix[i]) != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string CanonicalNumber(ReadOnlySpan<char> raw)
    {
        Span<char> digits = raw.Length <= WordTable.MaxStackWord ? stackalloc char[raw.Length] : new char[raw.Length];
        var length = 0;
        foreach (var c in raw)
        {
            if (c != ',')
            {
                digits[length++] = c;
            }
        }

        ReadOnlySpan<char> text = digits[..length];
        if (text.Contains('.') && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            // "3.50" and "3.5" state the same quantity.
            Span<char> formatted = stackalloc char[64];
            return value.TryFormat(formatted, out var written, "0.############", CultureInfo.InvariantCulture)
                ? WordTable.Intern(formatted[..written])
                : value.ToString("0.############", CultureInfo.InvariantCulture);
        }

        return text.TrimStart('0') is { Length: > 0 } trimmed ? WordTable.Intern(trimmed) : "0";
    }
}
