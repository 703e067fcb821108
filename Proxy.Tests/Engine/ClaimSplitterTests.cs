using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

public sealed class ClaimSplitterTests
{
    [Fact]
    public void Split_TwoSentences_ReturnsOneClaimEach()
    {
        var claims = ClaimSplitter.Split("Paris is the capital of France. It has about 2.1 million residents.");

        Assert.Equal(["Paris is the capital of France.", "It has about 2.1 million residents."], claims);
    }

    [Fact]
    public void Split_PleasantriesAndLeadIns_AreDropped()
    {
        var claims = ClaimSplitter.Split(
            "Sure! Here is the answer: Paris is the capital of France. I hope this helps! Let me know if you need more.");

        Assert.Equal(["Paris is the capital of France."], claims);
    }

    [Fact]
    public void Split_AccordingToTheContextLeadIn_IsStrippedFromTheClaim()
    {
        var claims = ClaimSplitter.Split("According to the provided context, the tower is 330 metres tall.");

        Assert.Equal(["The tower is 330 metres tall."], claims);
    }

    [Fact]
    public void Split_LeadingNoWithoutComma_IsKeptBecauseItNegates()
    {
        var claims = ClaimSplitter.Split("No authentication is required for public endpoints.");

        Assert.Equal(["No authentication is required for public endpoints."], claims);
    }

    [Fact]
    public void Split_CommaAndBeforeNewClause_SplitsIntoTwoClaims()
    {
        var claims = ClaimSplitter.Split("Construction began in 1887, and the tower was completed in 1889.");

        Assert.Equal(["Construction began in 1887", "The tower was completed in 1889."], claims);
    }

    [Fact]
    public void Split_ClauseStartingWithAuxiliary_BorrowsTheSubject()
    {
        var claims = ClaimSplitter.Split("The tower was completed in 1889 and is 330 metres tall.");

        Assert.Equal(["The tower was completed in 1889", "The tower is 330 metres tall."], claims);
    }

    [Fact]
    public void Split_AndJoiningNouns_IsNotSplit()
    {
        var claims = ClaimSplitter.Split("The router supports the 2.4 GHz and 5 GHz bands.");

        Assert.Single(claims);
    }

    [Fact]
    public void Split_AbbreviationsInitialsAndDecimals_DoNotEndASentence()
    {
        var claims = ClaimSplitter.Split("Dr. J. K. Smith measured 3.5 kg, e.g. in the lab. The result was published.");

        Assert.Equal(2, claims.Count);
        Assert.StartsWith("Dr. J. K. Smith measured 3.5 kg", claims[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Split_MarkdownList_YieldsOneClaimPerItemWithoutMarkers()
    {
        var claims = ClaimSplitter.Split("Key facts:\n- The tower is **330 metres** tall.\n1. It weighs 10,100 tonnes.");

        Assert.Equal(["The tower is 330 metres tall.", "It weighs 10,100 tonnes."], claims);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("Sure! I hope this helps.")]
    public void Split_NothingCheckable_ReturnsNoClaims(string answer)
    {
        Assert.Empty(ClaimSplitter.Split(answer));
    }
}
