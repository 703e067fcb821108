using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

public sealed class LightStemmerTests
{
    [Theory]
    [InlineData("located", "locate")]
    [InlineData("cities", "city")]
    [InlineData("requests", "request")]
    [InlineData("stopped", "stop")]
    [InlineData("running", "runs")]
    [InlineData("built", "builds")]
    [InlineData("written", "writes")]
    [InlineData("largest", "large")]
    [InlineData("boxes", "box")]
    public void Stem_InflectionsOfOneWord_GiveTheSameStem(string a, string b)
    {
        Assert.Equal(LightStemmer.Stem(a), LightStemmer.Stem(b));
    }

    [Theory]
    [InlineData("capital", "capitol")]
    [InlineData("tower", "power")]
    [InlineData("internal", "international")]
    public void Stem_DifferentWords_StayApart(string a, string b)
    {
        Assert.False(LightStemmer.AreVariants(LightStemmer.Stem(a), LightStemmer.Stem(b)) || LightStemmer.Stem(a) == LightStemmer.Stem(b));
    }

    [Theory]
    [InlineData("developer", "develop", true)]
    [InlineData("recommendation", "recommended", true)]
    [InlineData("sens", "sensor", false)]
    public void AreVariants_SharedPrefix_DecidesVariant(string a, string b, bool expected)
    {
        Assert.Equal(expected, LightStemmer.AreVariants(LightStemmer.Stem(a), LightStemmer.Stem(b)));
    }
}
