namespace TruthTable.Core.Engine;

/// <summary>
/// Words seen written in lower case somewhere in the audited texts. A capitalised first word ("Patients should …")
/// is only taken for a proper noun when it never appears in lower case — a cheap stand-in for true-casing.
/// </summary>
internal sealed class LowercaseVocabulary
{
    private readonly HashSet<string> _words = new(StringComparer.Ordinal);

    public static LowercaseVocabulary Empty { get; } = new();

    public static LowercaseVocabulary From(IEnumerable<string> texts)
    {
        var vocabulary = new LowercaseVocabulary();
        var tokens = new List<Token>(64);
        foreach (var text in texts)
        {
            foreach (var token in WordTokenizer.Tokenize(text, tokens))
            {
                if (token.Shape == TokenShape.Word && char.IsLower(token.Text[0]))
                {
                    vocabulary._words.Add(token.Text);
                }
            }
        }

        return vocabulary;
    }

    public bool Contains(string lowercaseWord) => _words.Contains(lowercaseWord);
}
