namespace TruthTable.Core.Engine;

/// <summary>
/// Words seen written in lower case somewhere in the audited texts. A capitalised first word ("Patients should …")
/// is only taken for a proper noun when it never appears in lower case — a cheap stand-in for true-casing.
/// </summary>
internal sealed class LowercaseVocabulary
{
    // An audit's vocabulary is one thread's while it runs, so each thread keeps one set to refill: the embedded
    // engine shares the proxy's heap. Not kept after a very large text.
    private const int MaxKeptWords = 4096;

    [ThreadStatic]
    private static LowercaseVocabulary? t_spare;

    private readonly HashSet<string> _words = new(StringComparer.Ordinal);
    private readonly bool _reusable;

    private LowercaseVocabulary(bool reusable) => _reusable = reusable;

    public static LowercaseVocabulary Empty { get; } = new(reusable: false);

    public static LowercaseVocabulary From(IEnumerable<string> texts)
    {
        var vocabulary = new LowercaseVocabulary(reusable: false);
        foreach (var text in texts)
        {
            vocabulary.Add(text);
        }

        return vocabulary;
    }

    /// <summary>
    /// The vocabulary of one audit (the context, the answer and the query), in this thread's spare set if it has one.
    /// Give it back with <see cref="Release"/> once nothing uses it.
    /// </summary>
    public static LowercaseVocabulary ForAudit(IReadOnlyList<EvidenceDocument> context, string answer, string query)
    {
        var vocabulary = t_spare ?? new LowercaseVocabulary(reusable: true);
        t_spare = null;
        for (var i = 0; i < context.Count; i++)
        {
            vocabulary.Add(context[i].Content);
        }

        vocabulary.Add(answer);
        vocabulary.Add(query);
        return vocabulary;
    }

    public bool Contains(string lowercaseWord) => _words.Contains(lowercaseWord);

    /// <summary>Empties a vocabulary from <see cref="ForAudit"/> and keeps it for this thread's next audit.</summary>
    public void Release()
    {
        if (!_reusable)
        {
            return;
        }

        var keep = _words.Count <= MaxKeptWords;
        _words.Clear();
        if (keep)
        {
            t_spare = this;
        }
    }

    private void Add(string text)
    {
        var tokens = WordTokenizer.Tokenize(text, WordTokenizer.Rent());
        foreach (var token in tokens)
        {
            if (token.Shape == TokenShape.Word && char.IsLower(token.Text[0]))
            {
                _words.Add(token.Text);
            }
        }

        WordTokenizer.Return(tokens);
    }
}
