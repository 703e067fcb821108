namespace TruthTable.Core.Engine;

/// <summary>
/// Indexes the sentences of the context documents and finds the ones that best match a claim. Matching is by
/// shared content terms (stems, numbers, names), each weighted by how rare it is in the context, so a sentence
/// sharing "Rotterdam" outranks one sharing only the topic word that every sentence repeats.
/// </summary>
internal sealed class EvidenceRetriever
{
    // Term variants share their first letters (see LightStemmer.AreVariants), so a prefix finds every candidate.
    private const int IndexPrefixLength = 5;

    // Contexts up to this many sentences find their candidates in stack memory.
    private const int MaxStackSentences = 256;

    private readonly List<EvidenceSentence> _sentences = [];
    private readonly Dictionary<string, List<int>> _sentencesByPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);

    public EvidenceRetriever(IReadOnlyList<EvidenceDocument> documents, TermExtractor extractor)
    {
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i];
            foreach (var text in SentenceSplitter.Split(document.Content))
            {
                var analysis = extractor.Analyze(text);
                if (analysis.Terms.Count == 0)
                {
                    continue;
                }

                Index(new EvidenceSentence(document.Id, text, analysis));
            }
        }
    }

    public int SentenceCount => _sentences.Count;

    /// <summary>The best matching sentences, best first; only sentences that share at least one term.</summary>
    public List<EvidenceMatch> FindBestMatches(AnalyzedText claim, int maxMatches)
    {
        if (claim.Terms.Count == 0)
        {
            return [];
        }

        // Candidates in the order they are first met, as a set would enumerate them: the sort below is not stable,
        // so the order it starts from decides between equal matches.
        var count = _sentences.Count;
        var seen = count <= MaxStackSentences ? stackalloc bool[count] : new bool[count];
        var candidates = count <= MaxStackSentences ? stackalloc int[count] : new int[count];
        var candidateCount = 0;
        foreach (var term in claim.Terms)
        {
            if (_sentencesByPrefix.TryGetValue(PrefixOf(term.Key), out var ids))
            {
                foreach (var id in ids)
                {
                    if (!seen[id])
                    {
                        seen[id] = true;
                        candidates[candidateCount++] = id;
                    }
                }
            }
        }

        var matches = new List<EvidenceMatch>(candidateCount);
        foreach (var id in candidates[..candidateCount])
        {
            var sentence = _sentences[id];
            List<Term>? covered = null;
            var score = 0.0;
            foreach (var term in claim.Terms)
            {
                if (sentence.Analysis.Mentions(term))
                {
                    (covered ??= []).Add(term);
                    score += Rarity(term.Key);
                }
            }

            if (covered is not null)
            {
                matches.Add(new EvidenceMatch(sentence, score, (double)covered.Count / claim.Terms.Count, covered));
            }
        }

        // Ties go to the more focused sentence: fewer unrelated terms to dilute it.
        matches.Sort((a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            return byScore != 0 ? byScore : a.Sentence.Analysis.Terms.Count.CompareTo(b.Sentence.Analysis.Terms.Count);
        });

        return matches.Count > maxMatches ? matches.GetRange(0, maxMatches) : matches;
    }

    private void Index(EvidenceSentence sentence)
    {
        var id = _sentences.Count;
        _sentences.Add(sentence);
        foreach (var term in sentence.Analysis.Terms)
        {
            var prefix = PrefixOf(term.Key);
            if (!_sentencesByPrefix.TryGetValue(prefix, out var ids))
            {
                ids = [];
                _sentencesByPrefix[prefix] = ids;
            }

            if (ids.Count == 0 || ids[^1] != id)
            {
                ids.Add(id);
            }

            _documentFrequency[term.Key] = _documentFrequency.GetValueOrDefault(term.Key) + 1;
        }
    }

    /// <summary>How rare a term is among the context sentences; a term the context never uses is rarest.</summary>
    public double Rarity(Term term) => Rarity(term.Key);

    private double Rarity(string key) =>
        Math.Log(1.0 + (_sentences.Count + 1.0) / (_documentFrequency.GetValueOrDefault(key) + 1.0));

    private static string PrefixOf(string key) =>
        key.Length > IndexPrefixLength ? WordTable.Intern(key.AsSpan(0, IndexPrefixLength)) : key;
}
