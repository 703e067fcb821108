using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

public sealed class FaithfulnessScorerTests
{
    [Theory]
    [InlineData(1.0f, "A")]
    [InlineData(0.90f, "A")]
    [InlineData(0.8999f, "B")]
    [InlineData(0.75f, "B")]
    [InlineData(0.7499f, "C")]
    [InlineData(0.60f, "C")]
    [InlineData(0.5999f, "D")]
    [InlineData(0.40f, "D")]
    [InlineData(0.39f, "F")]
    [InlineData(0f, "F")]
    public void GradeFor_Boundaries_MatchTheGradeTable(float score, string grade)
    {
        Assert.Equal(grade, FaithfulnessScorer.GradeFor(score));
    }

    [Fact]
    public void Score_MixedVerdicts_IsTheMeanCredit()
    {
        var claims = new[]
        {
            Assessment(ClaimVerdict.Supported),
            Assessment(ClaimVerdict.PartiallySupported),
            Assessment(ClaimVerdict.Unsupported),
            Assessment(ClaimVerdict.Contradicted),
        };

        Assert.Equal(0.375f, FaithfulnessScorer.Score(claims), 5);
    }

    [Fact]
    public void Score_ConfidenceIsNotAWeight()
    {
        var confident = new[] { Assessment(ClaimVerdict.Supported, 1f), Assessment(ClaimVerdict.Contradicted, 1f) };
        var unsure = new[] { Assessment(ClaimVerdict.Supported, 0.3f), Assessment(ClaimVerdict.Contradicted, 0.3f) };

        Assert.Equal(0.5f, FaithfulnessScorer.Score(confident));
        Assert.Equal(0.5f, FaithfulnessScorer.Score(unsure));
    }

    [Fact]
    public void Score_NoClaims_IsZero()
    {
        Assert.Equal(0f, FaithfulnessScorer.Score([]));
    }

    [Theory]
    [InlineData(ClaimVerdict.Supported, false)]
    [InlineData(ClaimVerdict.PartiallySupported, false)]
    [InlineData(ClaimVerdict.Unsupported, true)]
    [InlineData(ClaimVerdict.Contradicted, true)]
    public void IsHallucination_Verdict_OnlyUnsupportedAndContradicted(ClaimVerdict verdict, bool expected)
    {
        Assert.Equal(expected, FaithfulnessScorer.IsHallucination(verdict));
    }

    private static ClaimAssessment Assessment(ClaimVerdict verdict, float confidence = 0.8f) =>
        new("claim", verdict, confidence, [], "reason");
}
