using TruthTable.Core.Extraction;
using static TruthTable.Tests.Extraction.ExtractorHarness;

namespace TruthTable.Tests.Extraction;

public sealed class OpenAiExchangeExtractorChatTests
{
    private const string SimpleResponse =
        """{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France."},"finish_reason":"stop"}]}""";

    [Fact]
    public void Extract_ChatJsonResponse_ReturnsModelQueryAnswerAndContext()
    {
        const string request = """
            {"model":"gpt-4o","messages":[
              {"role":"system","content":"You answer geography questions."},
              {"role":"user","content":"What is the capital of Spain?"},
              {"role":"assistant","content":"Madrid."},
              {"role":"user","content":"And of France?"}]}
            """;

        var exchange = ExtractAuditable(ChatPath, request, SimpleResponse);

        Assert.Equal("gpt-4o", exchange.Model);
        Assert.Equal("And of France?", exchange.Query);
        Assert.Equal("Paris is the capital of France.", exchange.Answer);
        Assert.Equal(
            [
                new ContextSnippet("messages[0]", "You answer geography questions."),
                new ContextSnippet("messages[1]", "What is the capital of Spain?"),
                new ContextSnippet("messages[2]", "Madrid."),
            ],
            exchange.Context);
    }

    [Fact]
    public void Extract_RequestWithoutModel_UsesResponseModel()
    {
        var exchange = ExtractAuditable(ChatPath, """{"messages":[{"role":"user","content":"Capital of France?"}]}""", SimpleResponse);

        Assert.Equal("gpt-4o-2024-08-06", exchange.Model);
        Assert.Empty(exchange.Context);
    }

    [Fact]
    public void Extract_NoModelAnywhere_ModelIsEmpty()
    {
        var exchange = ExtractAuditable(
            ChatPath,
            """{"messages":[{"role":"user","content":"Q"}]}""",
            """{"choices":[{"message":{"content":"A"}}]}""");

        Assert.Equal(string.Empty, exchange.Model);
        Assert.Equal("A", exchange.Answer);
    }

    [Fact]
    public void Extract_ToolAndDeveloperMessages_BecomeContextWithMessageIndexIds()
    {
        const string request = """
            {"model":"gpt-4o","messages":[
              {"role":"developer","content":"Use the weather tool."},
              {"role":"user","content":"Weather in Oslo?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"temp_c\":-3,\"sky\":\"snow\"}"}]}
            """;

        var exchange = ExtractAuditable(ChatPath, request, """{"choices":[{"index":0,"message":{"content":"It is -3 °C and snowing in Oslo."}}]}""");

        Assert.Equal("Weather in Oslo?", exchange.Query);
        Assert.Equal("It is -3 °C and snowing in Oslo.", exchange.Answer);
        Assert.Equal(
            [
                new ContextSnippet("messages[0]", "Use the weather tool."),
                new ContextSnippet("messages[3]", """{"temp_c":-3,"sky":"snow"}"""),
            ],
            exchange.Context);
    }

    [Fact]
    public void Extract_ContentPartsInRequest_JoinsTextPartsAndIgnoresImages()
    {
        const string request = """
            {"model":"gpt-4o","messages":[
              {"role":"system","content":[{"type":"text","text":"Rule one."},{"type":"text","text":"Rule two."}]},
              {"role":"user","content":[
                {"type":"text","text":"What is in this picture?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
                {"type":"text","text":"Be brief."}]}]}
            """;

        var exchange = ExtractAuditable(ChatPath, request, SimpleResponse);

        Assert.Equal("What is in this picture?\nBe brief.", exchange.Query);
        Assert.Equal([new ContextSnippet("messages[0]", "Rule one.\nRule two.")], exchange.Context);
    }

    [Fact]
    public void Extract_ContentPartsInResponse_JoinsTextParts()
    {
        var exchange = ExtractAuditable(
            ChatPath,
            """{"model":"m","messages":[{"role":"user","content":"Q"}]}""",
            """{"choices":[{"index":0,"message":{"content":[{"type":"text","text":"Part one."},{"type":"refusal","refusal":"no"},{"type":"text","text":"Part two."}]}}]}""");

        Assert.Equal("Part one.\nPart two.", exchange.Answer);
    }

    [Fact]
    public void Extract_EmptyAndImageOnlyMessages_AreNotContext()
    {
        const string request = """
            {"model":"m","messages":[
              {"role":"system","content":""},
              {"role":"user","content":"   "},
              {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},
              {"role":"assistant","content":null},
              "not an object",
              {"role":"user","content":"Final question?"}]}
            """;

        var exchange = ExtractAuditable(ChatPath, request, SimpleResponse);

        Assert.Equal("Final question?", exchange.Query);
        Assert.Empty(exchange.Context);
    }

    [Fact]
    public void Extract_NoUserMessage_QueryIsEmptyAndAllMessagesAreContext()
    {
        var exchange = ExtractAuditable(
            ChatPath,
            """{"model":"m","messages":[{"role":"system","content":"Write a haiku."}]}""",
            SimpleResponse);

        Assert.Equal(string.Empty, exchange.Query);
        Assert.Equal([new ContextSnippet("messages[0]", "Write a haiku.")], exchange.Context);
    }

    [Theory]
    [InlineData("/openai/v1/chat/completions")]
    [InlineData("/openai/deployments/gpt4/chat/completions?api-version=2024-10-21")]
    [InlineData("/V1/Chat/Completions/")]
    public void Extract_PrefixedChatPath_IsReadAsChat(string path)
    {
        var exchange = ExtractAuditable(path, """{"model":"m","messages":[{"role":"user","content":"Q?"}]}""", SimpleResponse);

        Assert.Equal("Q?", exchange.Query);
        Assert.Equal("Paris is the capital of France.", exchange.Answer);
    }

    [Fact]
    public void Extract_ResponseChoicesOutOfOrder_UsesChoiceIndexZero()
    {
        var exchange = ExtractAuditable(
            ChatPath,
            """{"model":"m","n":2,"messages":[{"role":"user","content":"Q"}]}""",
            """{"choices":[{"index":1,"message":{"content":"second"}},{"index":0,"message":{"content":"first"}}]}""");

        Assert.Equal("first", exchange.Answer);
    }

    [Fact]
    public void Extract_UnknownResponseContentTypeStartingWithBrace_IsReadAsJson()
    {
        var exchange = ExtractAuditable(ChatPath, """{"model":"m","messages":[{"role":"user","content":"Q"}]}""", "\n  " + SimpleResponse, contentType: null);

        Assert.Equal("Paris is the capital of France.", exchange.Answer);
    }

    [Fact]
    public void Extract_NullContentWithToolCalls_SkipsEmptyAnswer()
    {
        var outcome = Extract(
            ChatPath,
            """{"model":"m","messages":[{"role":"user","content":"Weather?"}]}""",
            """{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""");

        AssertSkip(outcome, SkipReasons.EmptyAnswer, "answer is a tool call, not text");
    }

    [Fact]
    public void Extract_NullContent_SkipsEmptyAnswer()
    {
        var outcome = Extract(ChatPath, """{"model":"m","messages":[{"role":"user","content":"Q"}]}""", """{"choices":[{"message":{"content":null}}]}""");

        AssertSkip(outcome, SkipReasons.EmptyAnswer, "answer has no text");
    }

    [Fact]
    public void Extract_Refusal_SkipsEmptyAnswer()
    {
        var outcome = Extract(
            ChatPath,
            """{"model":"m","messages":[{"role":"user","content":"Q"}]}""",
            """{"choices":[{"message":{"content":null,"refusal":"I can't help with that."}}]}""");

        AssertSkip(outcome, SkipReasons.EmptyAnswer, "answer is a refusal, not text");
    }

    [Fact]
    public void Extract_WhitespaceAnswer_SkipsEmptyAnswer()
    {
        var outcome = Extract(ChatPath, """{"model":"m","messages":[{"role":"user","content":"Q"}]}""", """{"choices":[{"message":{"content":" \n\t "}}]}""");

        AssertSkip(outcome, SkipReasons.EmptyAnswer, "answer has no text");
    }

    [Fact]
    public void Extract_ResponseWithoutChoices_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, """{"model":"m","messages":[{"role":"user","content":"Q"}]}""", """{"id":"x","object":"chat.completion"}""");

        AssertSkip(outcome, SkipReasons.Unparseable, "response body has no choices array");
    }

    [Fact]
    public void Extract_ResponseWithEmptyChoices_SkipsEmptyAnswer()
    {
        var outcome = Extract(ChatPath, """{"model":"m","messages":[{"role":"user","content":"Q"}]}""", """{"choices":[]}""");

        AssertSkip(outcome, SkipReasons.EmptyAnswer, "response has no choice with index 0");
    }

    [Fact]
    public void Extract_ErrorObjectWithSuccessStatus_SkipsUpstreamStatus()
    {
        var outcome = Extract(ChatPath, """{"model":"m","messages":[{"role":"user","content":"Q"}]}""", """{"error":{"message":"overloaded","type":"server_error"}}""");

        AssertSkip(outcome, SkipReasons.UpstreamStatus, "upstream returned an error object with a success status");
    }

    [Fact]
    public void Extract_NoMessagesPromptOrQuery_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, """{"model":"m","temperature":0.2}""", SimpleResponse);

        AssertSkip(outcome, SkipReasons.Unparseable, "request has no messages, prompt or query");
    }

    [Fact]
    public void Extract_MessagesNotAnArray_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, """{"model":"m","messages":"hello"}""", SimpleResponse);

        AssertSkip(outcome, SkipReasons.Unparseable, "request messages is String, not an array");
    }
}
