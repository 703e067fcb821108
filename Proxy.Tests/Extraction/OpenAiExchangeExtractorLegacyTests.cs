using TruthTable.Core.Extraction;
using static TruthTable.Tests.Extraction.ExtractorHarness;

namespace TruthTable.Tests.Extraction;

public sealed class OpenAiExchangeExtractorLegacyTests
{
    private const string LegacyResponse =
        """{"id":"cmpl-1","object":"text_completion","model":"gpt-3.5-turbo-instruct","choices":[{"text":" Paris.","index":0,"finish_reason":"stop"}]}""";

    [Fact]
    public void Extract_LegacyJson_UsesPromptAndChoiceText()
    {
        var exchange = ExtractAuditable(LegacyPath, """{"model":"gpt-3.5-turbo-instruct","prompt":"The capital of France is"}""", LegacyResponse);

        Assert.Equal("gpt-3.5-turbo-instruct", exchange.Model);
        Assert.Equal("The capital of France is", exchange.Query);
        Assert.Equal(" Paris.", exchange.Answer);
        Assert.Empty(exchange.Context);
    }

    [Fact]
    public void Extract_LegacyPromptArray_JoinsWithLineFeed()
    {
        var exchange = ExtractAuditable(LegacyPath, """{"model":"m","prompt":["Line one","Line two"]}""", LegacyResponse);

        Assert.Equal("Line one\nLine two", exchange.Query);
    }

    [Fact]
    public void Extract_LegacyPromptWithContextField_KeepsContextEmpty()
    {
        var exchange = ExtractAuditable(LegacyPath, """{"model":"m","prompt":"Q","context":["ignored"]}""", LegacyResponse);

        Assert.Equal("Q", exchange.Query);
        Assert.Empty(exchange.Context);
    }

    [Fact]
    public void Extract_LegacyTokenIdPrompt_SkipsUnparseable()
    {
        var outcome = Extract(LegacyPath, """{"model":"m","prompt":[[1024,318,257]]}""", LegacyResponse);

        AssertSkip(outcome, SkipReasons.Unparseable, "request prompt holds token ids, not text");
    }

    [Fact]
    public void Extract_LegacyNullPrompt_SkipsUnparseable()
    {
        var outcome = Extract(LegacyPath, """{"model":"m","prompt":null}""", LegacyResponse);

        AssertSkip(outcome, SkipReasons.Unparseable, "request prompt is Null, not text");
    }

    [Fact]
    public void Extract_LegacySse_AssemblesChoiceText()
    {
        const string stream = """
            data: {"id":"cmpl-1","object":"text_completion","model":"gpt-3.5-turbo-instruct","choices":[{"text":" Par","index":0}]}

            data: {"id":"cmpl-1","object":"text_completion","model":"gpt-3.5-turbo-instruct","choices":[{"text":"is","index":0}]}

            data: {"id":"cmpl-1","object":"text_completion","model":"gpt-3.5-turbo-instruct","choices":[{"text":"?","index":1}]}

            data: {"id":"cmpl-1","object":"text_completion","model":"gpt-3.5-turbo-instruct","choices":[{"text":".","index":0,"finish_reason":"stop"}]}

            data: [DONE]

            """;

        var exchange = ExtractAuditable(LegacyPath, """{"prompt":"The capital of France is","stream":true}""", stream, EventStream);

        Assert.Equal("gpt-3.5-turbo-instruct", exchange.Model);
        Assert.Equal("The capital of France is", exchange.Query);
        Assert.Equal(" Paris.", exchange.Answer);
    }

    [Fact]
    public void Extract_SeedQueryWithStringContext_UsesContextIndexIds()
    {
        var exchange = ExtractAuditable(
            ChatPath,
            """{"model":"seed-model","query":"Who wrote Hamlet?","context":["Hamlet is a tragedy by William Shakespeare.","",42,"Written around 1600."]}""",
            """{"choices":[{"message":{"content":"William Shakespeare."}}]}""");

        Assert.Equal("seed-model", exchange.Model);
        Assert.Equal("Who wrote Hamlet?", exchange.Query);
        Assert.Equal("William Shakespeare.", exchange.Answer);
        Assert.Equal(
            [
                new ContextSnippet("context[0]", "Hamlet is a tragedy by William Shakespeare."),
                new ContextSnippet("context[3]", "Written around 1600."),
            ],
            exchange.Context);
    }

    [Fact]
    public void Extract_SeedPromptWithObjectContext_UsesGivenIds()
    {
        var exchange = ExtractAuditable(
            ChatPath,
            """{"prompt":"Boiling point of water?","context":[{"id":"doc-7","content":"Water boils at 100 °C at sea level."},{"id":12,"content":"Pressure lowers it."},{"content":"No id here."},{"id":"empty","content":""}]}""",
            """{"model":"gpt-4o","choices":[{"message":{"content":"100 °C at sea level."}}]}""");

        Assert.Equal("gpt-4o", exchange.Model);
        Assert.Equal("Boiling point of water?", exchange.Query);
        Assert.Equal(
            [
                new ContextSnippet("doc-7", "Water boils at 100 °C at sea level."),
                new ContextSnippet("12", "Pressure lowers it."),
                new ContextSnippet("context[2]", "No id here."),
            ],
            exchange.Context);
    }

    [Fact]
    public void Extract_SeedQueryOnLegacyPath_IsAccepted()
    {
        var exchange = ExtractAuditable(LegacyPath, """{"query":"Q?","context":["C"]}""", LegacyResponse);

        Assert.Equal("Q?", exchange.Query);
        Assert.Equal([new ContextSnippet("context[0]", "C")], exchange.Context);
    }
}
