using TruthTable.Core.Engine;

namespace TruthTable.Tests.Engine;

public sealed class LowercaseVocabularyTests
{
    private static readonly EvidenceDocument[] Context = [new("d", "Patients should rest. Aspirin helps.")];

    [Fact]
    public void ForAudit_HoldsTheLowerCaseWordsOfContextAnswerAndQuery()
    {
        var vocabulary = LowercaseVocabulary.ForAudit(Context, "Take it with food.", "what helps patients");
        try
        {
            Assert.True(vocabulary.Contains("patients"));
            Assert.True(vocabulary.Contains("food"));
            Assert.True(vocabulary.Contains("what"));
            Assert.False(vocabulary.Contains("aspirin"));
        }
        finally
        {
            vocabulary.Release();
        }
    }

    [Fact]
    public void ForAudit_AfterRelease_ReusesTheSetWithoutTheLastAuditsWords()
    {
        var first = LowercaseVocabulary.ForAudit(Context, "Take it with food.", "");
        first.Release();

        var second = LowercaseVocabulary.ForAudit([], "Drink water.", "");
        second.Release();

        Assert.Same(first, second);
        Assert.False(second.Contains("food"));
        Assert.False(second.Contains("patients"));
    }

    [Fact]
    public void ForAudit_WhileInUse_GetsItsOwnSet()
    {
        var held = LowercaseVocabulary.ForAudit([], "one two", "");
        var nested = LowercaseVocabulary.ForAudit([], "three", "");

        Assert.NotSame(held, nested);
        Assert.True(held.Contains("two"));
        Assert.False(held.Contains("three"));
        nested.Release();
        held.Release();
    }

    [Fact]
    public void ForAudit_OnAnotherThread_DoesNotGetThisThreadsSpare()
    {
        var spare = LowercaseVocabulary.ForAudit([], "one", "");
        spare.Release();
        LowercaseVocabulary? other = null;
        var thread = new Thread(() => other = LowercaseVocabulary.ForAudit([], "two", ""));
        thread.Start();
        thread.Join();

        Assert.NotNull(other);
        Assert.NotSame(spare, other);
        Assert.Same(spare, LowercaseVocabulary.ForAudit([], "three", "")); // still this thread's
    }

    [Fact]
    public void Release_OfAVocabularyNotFromForAudit_KeepsItAndDoesNotReuseIt()
    {
        var built = LowercaseVocabulary.From(["patients should rest"]);
        built.Release();
        LowercaseVocabulary.Empty.Release();

        var rented = LowercaseVocabulary.ForAudit([], "rest", "");
        rented.Release();

        Assert.True(built.Contains("patients"));
        Assert.NotSame(built, rented);
        Assert.NotSame(LowercaseVocabulary.Empty, rented);
        Assert.False(LowercaseVocabulary.Empty.Contains("rest"));
    }

    [Fact]
    public void Release_OfAVeryLargeVocabulary_DoesNotKeepIt()
    {
        var words = string.Join(' ', Enumerable.Range(0, 5_000).Select(Letters));
        var large = LowercaseVocabulary.ForAudit([], words, "");
        large.Release();

        var next = LowercaseVocabulary.ForAudit([], "small", "");
        next.Release();

        Assert.NotSame(large, next);
    }

    // A distinct lower-case word per number: 0 → "a", 27 → "bb".
    private static string Letters(int number)
    {
        var word = "";
        do
        {
            word += (char)('a' + number % 26);
            number /= 26;
        }
        while (number > 0);

        return word;
    }
}
