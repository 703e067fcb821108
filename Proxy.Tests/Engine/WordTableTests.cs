using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

public sealed class WordTableTests
{
    [Fact]
    public void Intern_TheSameWordTwice_ReturnsOneString()
    {
        var first = WordTable.Intern("Amsterdam is".AsSpan(0, 9));
        var second = WordTable.Intern("in Amsterdam".AsSpan(3));

        Assert.Equal("Amsterdam", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Intern_MoreDistinctWordsThanItKeeps_StaysBounded()
    {
        (int Count, string Last) result = default;
        // A thread of its own, so the table is this test's.
        var thread = new Thread(() =>
        {
            for (var i = 0; i < 40_000; i++)
            {
                WordTable.Intern($"word{i}");
            }

            result = (WordTable.Count, WordTable.Intern("word39999"));
        });
        thread.Start();
        thread.Join();

        Assert.InRange(result.Count, 1, 16_384);
        Assert.Equal("word39999", result.Last);
    }

    [Theory]
    [InlineData("capital", "capital")]
    [InlineData("Netherlands", "netherlands")]
    [InlineData("ÉCOLE", "école")]
    [InlineData("Zürich", "zürich")]
    public void Lower_IsTheInvariantLowerCase(string word, string expected)
    {
        Assert.Equal(expected, WordTable.Lower(word));
        Assert.Equal(word.ToLowerInvariant(), WordTable.Lower(word));
    }

    [Fact]
    public void Lower_AWordAlreadyInLowerCase_IsReturnedAsItIs()
    {
        var word = new string("capital".AsSpan());

        Assert.Same(word, WordTable.Lower(word));
    }

    [Fact]
    public void Lower_TheSameCapitalisedWordTwice_ReturnsOneString()
    {
        Assert.Same(WordTable.Lower(new string("Rotterdam".AsSpan())), WordTable.Lower(new string("ROTTERDAM".AsSpan())));
    }

    [Theory]
    [InlineData("located")]
    [InlineData("children")]
    [InlineData("stopped")]
    [InlineData("cities")]
    public void Stem_IsLightStemmersStem(string word)
    {
        Assert.Equal(LightStemmer.Stem(word), WordTable.Stem(word));
        Assert.Same(WordTable.Stem(word), WordTable.Stem(word));
    }

    [Fact]
    public void Tokenize_ApostrophesPossessivesAndNumbers_ReadAsBefore()
    {
        var tokens = WordTokenizer.Tokenize("Eiffel’s tower isn't the 1990s' 3.50, 007 or 21ST; ES2015 is.", []);

        Assert.Equal(["Eiffel", "tower", "isn't", "the", "1990", "3.5", "7", "or", "#21", "ES2015", "is"], tokens.Select(t => t.Text));
        Assert.Equal([TokenShape.Word, TokenShape.Number, TokenShape.Identifier],
            tokens.Where(t => t.Text is "tower" or "3.5" or "ES2015").Select(t => t.Shape));
        // An ordinal suffix counts as written in ASCII letters, either case ("21ſt" stays an identifier).
        Assert.Equal(TokenShape.Identifier, Assert.Single(WordTokenizer.Tokenize("21ſt", [])).Shape);
    }

    [Fact]
    public void Tokenize_IntoAList_ClearsItFirst()
    {
        var tokens = new List<Token>();
        WordTokenizer.Tokenize("one two three", tokens);

        Assert.Same(tokens, WordTokenizer.Tokenize("four", tokens));
        Assert.Equal(["four"], tokens.Select(t => t.Text));
    }
}
