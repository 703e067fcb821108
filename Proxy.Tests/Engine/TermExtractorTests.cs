using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

public sealed class TermExtractorTests
{
    private readonly TermExtractor _extractor = new(LowercaseVocabulary.From(["patients should rest"]));

    [Fact]
    public void Analyze_NumbersInDifferentNotation_GetOneCanonicalKey()
    {
        var written = _extractor.Analyze("It weighs 10,100 tonnes and costs 3.50 euros, a 45% share.");
        var numbers = written.Terms.Where(t => t.Kind == TermKind.Number).Select(t => t.Key);

        Assert.Equal(["10100", "3.5", "45"], numbers);
        Assert.Contains(written.Terms, t => t.Key == "percent");
    }

    [Fact]
    public void Analyze_SpelledNumbersAndOrdinals_BecomeNumbers()
    {
        var analysis = _extractor.Analyze("It has three levels and the first one opened in the 21st century.");
        var numbers = analysis.Terms.Where(t => t.Kind == TermKind.Number).Select(t => t.Key);

        Assert.Equal(["3", "#1", "#21"], numbers);
    }

    [Fact]
    public void Analyze_CapitalisedWordsInsideTheSentence_AreEntities()
    {
        var analysis = _extractor.Analyze("The capital of the Netherlands is Amsterdam.");

        Assert.Equal(["netherland", "amsterdam"], analysis.Terms.Where(t => t.Kind == TermKind.Entity).Select(t => t.Key));
        Assert.Equal(TermKind.Word, analysis.Terms.Single(t => t.Surface == "capital").Kind);
    }

    [Fact]
    public void Analyze_CapitalisedFirstWordUsedInLowerCaseElsewhere_IsAnOrdinaryWord()
    {
        var analysis = _extractor.Analyze("Patients should take Aspirin with food.");

        Assert.Equal(TermKind.Word, analysis.Terms.Single(t => t.Surface == "Patients").Kind);
        Assert.Equal(TermKind.Entity, analysis.Terms.Single(t => t.Surface == "Aspirin").Kind);
    }

    [Fact]
    public void Analyze_ConsecutiveNames_FormOneEntityRun()
    {
        var analysis = _extractor.Analyze("It was designed by Gustave Eiffel in Paris.");

        Assert.Equal([[LightStemmer.Stem("gustave"), "eiffel"], ["paris"]], analysis.EntityRuns);
    }

    [Theory]
    [InlineData("The endpoint does not support filtering.", true)]
    [InlineData("The endpoint isn't fast.", true)]
    [InlineData("The endpoint never fails.", true)]
    [InlineData("It is neither fast nor cheap.", true)]
    [InlineData("Take no more than 4 g a day.", false)]
    [InlineData("Doses must not exceed 4 g a day.", false)]
    [InlineData("The endpoint supports filtering.", false)]
    public void Analyze_Negations_SetPolarity(string text, bool negated)
    {
        Assert.Equal(negated, _extractor.Analyze(text).IsNegated);
    }

    [Fact]
    public void Analyze_TermsAfterANegation_AreInItsScopeUnlessAssertedBefore()
    {
        var analysis = _extractor.Analyze("Python 3 is not compatible with Python 2.");

        Assert.True(analysis.NegatedTermKeys.SetEquals([LightStemmer.Stem("compatible"), "2"]));
    }

    [Fact]
    public void Analyze_StopWordsAndPossessives_AreNotTerms()
    {
        var analysis = _extractor.Analyze("It is one of the tower's features.");

        Assert.Equal(["tower", LightStemmer.Stem("features")], analysis.Terms.Select(t => t.Key));
    }

    [Fact]
    public void Analyze_MonthMay_IsAnEntityButTheModalVerbIsNot()
    {
        var analysis = _extractor.Analyze("The first ascent was on 29 May 1953, and climbers may return.");

        Assert.Equal(["may"], analysis.Terms.Where(t => t.Kind == TermKind.Entity).Select(t => t.Key));
    }

    [Theory]
    [InlineData("The capital of the Netherlands is Amsterdam.")]
    [InlineData("It is not.")]
    [InlineData("NOT")]
    [InlineData("It is NOT so.")]
    [InlineData("I do.")]
    [InlineData("It was in May.")]
    [InlineData("May it be so.")]
    [InlineData("It is the first.")]
    [InlineData("There are three of them.")]
    [InlineData("45%")]
    [InlineData("It costs 3.50.")]
    [InlineData("It's v2.")]
    [InlineData("and or but if")]
    [InlineData("")]
    [InlineData("  ,;  ")]
    public void HasContentTerm_AgreesWithAnalyze(string text)
    {
        Assert.Equal(_extractor.Analyze(text).Terms.Count > 0, _extractor.HasContentTerm(text));
    }

    [Fact]
    public void HasContentTerm_StopWordsAndNegationsOnly_IsFalse()
    {
        Assert.False(_extractor.HasContentTerm("It is not NOT so."));
        Assert.True(_extractor.HasContentTerm("It is not NOT Paris."));
    }
}
