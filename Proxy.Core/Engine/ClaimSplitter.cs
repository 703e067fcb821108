using System.Text.RegularExpressions;

namespace TruthTable.Core.Engine;

/// <summary>
/// Breaks an answer into atomic claims: sentences, then coordinated clauses. Pleasantries ("Sure!", "I hope this
/// helps.") and lead-ins ("Here is the answer:", "According to the context,") are dropped because they state
/// nothing that the context could support or refute.
/// </summary>
internal static partial class ClaimSplitter
{
    public static List<string> Split(string answer)
    {
        var claims = new List<string>();
        if (string.IsNullOrWhiteSpace(answer))
        {
            return claims;
        }

        foreach (var sentence in SentenceSplitter.Split(answer))
        {
            var statement = StripLeadIns(sentence);
            if (statement.Length == 0 || IsFiller(statement))
            {
                continue;
            }

            foreach (var clause in ClauseSplitter.Split(statement))
            {
                if (HasCheckableContent(clause))
                {
                    claims.Add(Capitalized(clause));
                }
            }
        }

        return claims;
    }

    private static string StripLeadIns(string sentence)
    {
        var previous = string.Empty;
        var text = sentence;
        while (text != previous)
        {
            previous = text;
            text = LeadIn().Replace(text, string.Empty).TrimStart();
        }

        return Capitalized(text);
    }

    private static string Capitalized(string text) =>
        text.Length > 0 && char.IsLower(text[0]) ? char.ToUpperInvariant(text[0]) + text[1..] : text;

    private static bool IsFiller(string sentence) => sentence.EndsWith(':') || FillerSentence().IsMatch(sentence);

    // Whether a word is a name does not matter for "is there anything to check", so no casing evidence is needed.
    private static readonly TermExtractor ContentProbe = new(LowercaseVocabulary.Empty);

    private static bool HasCheckableContent(string clause) => ContentProbe.HasContentTerm(clause);

    [GeneratedRegex(
        @"^(?:(?:sure|certainly|absolutely|of course|yes|no|okay|ok|great question|good question|in short|in summary|to summari[sz]e|overall)[,!.:]\s*" +
        @"|(?:here(?:'s|’s| is| are)\b[^:]*:\s*)" +
        @"|(?:(?:according to|based on|as (?:stated|described|mentioned) in)\s+(?:the\s+)?(?:provided\s+|given\s+|available\s+)?(?:context|documents?|documentation|sources?|information|text|passages?|evidence)\s*,?\s*))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LeadIn();

    [GeneratedRegex(
        @"^(?:i hope|hope this|let me know|feel free|happy to help|glad to help|i'm happy|i am happy|is there anything else|thanks|thank you)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FillerSentence();
}
