using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

public sealed class ContradictionDetectorTests
{
    private static readonly TermExtractor Extractor = new(LowercaseVocabulary.Empty);
    private readonly ContradictionDetector _detector = new(Extractor);

    [Fact]
    public void Detect_SwappedCity_ReportsEntityConflict()
    {
        var conflict = Detect("Rotterdam is the capital of the Netherlands.", "Amsterdam is the capital of the Netherlands.");

        Assert.NotNull(conflict);
        Assert.Equal(ContradictionKind.Entity, conflict.Kind);
        Assert.Contains("Rotterdam", conflict.ClaimSays, StringComparison.Ordinal);
        Assert.Contains("Amsterdam", conflict.EvidenceSays, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_ChangedNumber_ReportsNumberConflict()
    {
        var conflict = Detect("The tower is 300 metres tall.", "The tower is 330 metres tall and weighs 10,100 tonnes.");

        Assert.Equal(ContradictionKind.Number, conflict?.Kind);
        Assert.Equal("'300'", conflict?.ClaimSays);
    }

    [Fact]
    public void Detect_ChangedYearInTheClauseTheClaimIsAbout_ReportsNumberConflict()
    {
        var conflict = Detect("The tower was completed in 1887.", "Construction began in 1887, and the tower was completed in 1889.");

        Assert.Equal(ContradictionKind.Number, conflict?.Kind);
    }

    [Fact]
    public void Detect_YearOfASiblingClause_IsNoConflict()
    {
        Assert.Null(Detect("Construction began in 1887.", "Construction began in 1887, and the tower was completed in 1889."));
    }

    [Theory]
    [InlineData("The router supports the 6 GHz band.", "The router does not support the 6 GHz band.")]
    [InlineData("The router does not support the 5 GHz band.", "The router supports the 5 GHz band.")]
    public void Detect_FlippedPolarity_ReportsNegationConflict(string claim, string evidence)
    {
        Assert.Equal(ContradictionKind.Negation, Detect(claim, evidence)?.Kind);
    }

    [Fact]
    public void Detect_NegationAboutAnotherDetail_IsNoConflict()
    {
        Assert.Null(Detect("The endpoint supports pagination.", "The endpoint supports pagination but not filtering."));
    }

    [Fact]
    public void Detect_PartOfTheSameName_IsNoConflict()
    {
        Assert.Null(Detect("Marie Curie shared the prize in 1903.", "In 1903 Curie shared the prize with Henri Becquerel."));
    }

    [Fact]
    public void Detect_NameInAnotherSlot_IsNoConflict()
    {
        // "Moon" and "Commander" do not fill the same role; the claim merely adds a detail from elsewhere.
        Assert.Null(Detect("Armstrong and Aldrin landed the Eagle on the Moon.",
            "Commander Neil Armstrong and pilot Buzz Aldrin landed the Eagle on July 20, 1969."));
    }

    [Fact]
    public void Detect_OppositeDirectionWord_ReportsConflict()
    {
        var conflict = Detect("Deleted orders are purged before 30 days.", "Deleted orders are purged after 30 days.");

        Assert.Equal(ContradictionKind.OppositeWord, conflict?.Kind);
    }

    [Fact]
    public void Detect_SameFact_IsNoConflict()
    {
        Assert.Null(Detect("Amsterdam is the capital of the Netherlands.", "The capital of the Netherlands is Amsterdam."));
    }

    [Fact]
    public void Detect_UnrelatedSentenceWithOtherNumber_IsNoConflict()
    {
        Assert.Null(Detect("The tower is 330 metres tall.", "Tickets cost 25 euros for adults."));
    }

    private Contradiction? Detect(string claim, string evidence) =>
        _detector.Detect(Extractor.Analyze(claim), new EvidenceSentence("doc", evidence, Extractor.Analyze(evidence)));
}
