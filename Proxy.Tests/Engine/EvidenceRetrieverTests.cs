using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

public sealed class EvidenceRetrieverTests
{
    private static readonly TermExtractor Extractor = new(LowercaseVocabulary.Empty);

    private static readonly EvidenceDocument[] Documents =
    [
        new("geo", "Amsterdam is the capital of the Netherlands. Rotterdam has the largest port in Europe. " +
                   "The Netherlands borders Germany and Belgium."),
        new("history", "The construction of the Afsluitdijk dam was completed in 1932."),
    ];

    [Fact]
    public void FindBestMatches_ClaimRestatingASentence_RanksThatSentenceFirst()
    {
        var retriever = new EvidenceRetriever(Documents, Extractor);

        var matches = retriever.FindBestMatches(Extractor.Analyze("The capital of the Netherlands is Amsterdam."), 3);

        Assert.Equal("Amsterdam is the capital of the Netherlands.", matches[0].Sentence.Text);
        Assert.Equal("geo", matches[0].Sentence.DocumentId);
        Assert.Equal(1.0, matches[0].Coverage);
    }

    [Fact]
    public void FindBestMatches_RareTerm_OutranksTopicWordEveryoneRepeats()
    {
        var retriever = new EvidenceRetriever(Documents, Extractor);

        var matches = retriever.FindBestMatches(Extractor.Analyze("Rotterdam is in the Netherlands."), 3);

        Assert.Equal("Rotterdam has the largest port in Europe.", matches[0].Sentence.Text);
    }

    [Fact]
    public void FindBestMatches_InflectedForm_StillMatches()
    {
        var retriever = new EvidenceRetriever(Documents, Extractor);

        var matches = retriever.FindBestMatches(Extractor.Analyze("They constructed the dam and completed it in 1932."), 3);

        Assert.Equal("history", matches[0].Sentence.DocumentId);
        Assert.Contains(matches[0].CoveredTerms, t => t.Surface == "constructed");
    }

    [Fact]
    public void FindBestMatches_ManyOverlappingSentences_ReturnsAtMostTheRequestedNumber()
    {
        var retriever = new EvidenceRetriever(Documents, Extractor);

        var matches = retriever.FindBestMatches(Extractor.Analyze("The Netherlands, Amsterdam, Rotterdam and the port."), 2);

        Assert.Equal(2, matches.Count);
        Assert.True(matches[0].Score >= matches[1].Score);
    }

    [Fact]
    public void FindBestMatches_NoSharedTerm_ReturnsNothing()
    {
        var retriever = new EvidenceRetriever(Documents, Extractor);

        Assert.Empty(retriever.FindBestMatches(Extractor.Analyze("Photosynthesis needs chlorophyll."), 3));
    }

    [Fact]
    public void Constructor_CountsEverySentenceOfEveryDocument()
    {
        Assert.Equal(4, new EvidenceRetriever(Documents, Extractor).SentenceCount);
    }

    [Fact]
    public void FindBestMatches_ContextOfMoreSentencesThanFitOnTheStack_FindsTheMatch()
    {
        var filler = string.Concat(Enumerable.Range(0, 300).Select(i => $"Report {i} covers the harbour. "));
        var retriever = new EvidenceRetriever([new EvidenceDocument("long", filler + "The Afsluitdijk dam was completed in 1932.")], Extractor);

        var matches = retriever.FindBestMatches(Extractor.Analyze("The Afsluitdijk was completed in 1932."), 3);

        Assert.Equal(301, retriever.SentenceCount);
        Assert.Equal("The Afsluitdijk dam was completed in 1932.", matches[0].Sentence.Text);
        Assert.Equal(1.0, matches[0].Coverage);
    }
}
