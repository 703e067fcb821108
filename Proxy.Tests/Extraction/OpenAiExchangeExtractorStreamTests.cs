using System.Text;
using TruthTable.Core.Extraction;
using static TruthTable.Tests.Extraction.ExtractorHarness;

namespace TruthTable.Tests.Extraction;

public sealed class OpenAiExchangeExtractorStreamTests
{
    private const string ChatRequest = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Say hi in French."}]}""";

    [Fact]
    public void Extract_SseChat_AssemblesDeltasInOrder()
    {
        var exchange = ExtractAuditable(ChatPath, ChatRequest, ChatStream("\n", "Bon", "jour", " à toi", "!"), EventStream);

        Assert.Equal("gpt-4o-mini", exchange.Model);
        Assert.Equal("Say hi in French.", exchange.Query);
        Assert.Equal("Bonjour à toi!", exchange.Answer);
        Assert.Equal([new ContextSnippet("messages[0]", "Be kind.")], exchange.Context);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Extract_SseAnyLineEnding_AssemblesSameAnswer(string newline)
    {
        var exchange = ExtractAuditable(ChatPath, ChatRequest, ChatStream(newline, "Salut", ", ", "ça va ?"), EventStream);

        Assert.Equal("Salut, ça va ?", exchange.Answer);
    }

    [Fact]
    public void Extract_SseDataAfterDone_IsIgnored()
    {
        var stream = ChatStream("\n", "kept") + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" dropped\"}}]}\n\ndata: not json at all\n\n";

        var exchange = ExtractAuditable(ChatPath, ChatRequest, stream, EventStream);

        Assert.Equal("kept", exchange.Answer);
    }

    [Fact]
    public void Extract_SseWithoutDone_UsesAssembledContent()
    {
        const string stream = """
            data: {"model":"llama-3","choices":[{"index":0,"delta":{"content":"Hello"}}]}

            data: {"choices":[{"index":0,"delta":{"content":" there"}}]}
            """;

        var exchange = ExtractAuditable(ChatPath, """{"messages":[{"role":"user","content":"Hi"}]}""", stream, EventStream);

        Assert.Equal("Hello there", exchange.Answer);
        Assert.Equal("llama-3", exchange.Model);
    }

    [Fact]
    public void Extract_SseCommentsAndKeepAlives_AreIgnored()
    {
        const string stream = ": keep-alive\r\n\r\n: OPENROUTER PROCESSING\r\n\r\nevent: message\r\nid: 1\r\nretry: 1000\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Yes\"}}]}\r\n\r\n: ping\r\n\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\".\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n";

        var exchange = ExtractAuditable(ChatPath, ChatRequest, stream, EventStream);

        Assert.Equal("Yes.", exchange.Answer);
    }

    [Fact]
    public void Extract_SseEventsForChoiceIndexOne_AreIgnored()
    {
        const string stream = """
            data: {"choices":[{"index":0,"delta":{"content":"A"}}]}

            data: {"choices":[{"index":1,"delta":{"content":"X"}}]}

            data: {"choices":[{"index":1,"delta":{"content":"Y"}},{"index":0,"delta":{"content":"B"}}]}

            data: [DONE]


            """;

        var exchange = ExtractAuditable(ChatPath, ChatRequest, stream, EventStream);

        Assert.Equal("AB", exchange.Answer);
    }

    [Fact]
    public void Extract_SseEventSplitOverDataLines_JoinsThemBeforeParsing()
    {
        const string stream = "data: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"joined\"}}]}\n\ndata: [DONE]\n\n";

        var exchange = ExtractAuditable(ChatPath, ChatRequest, stream, EventStream);

        Assert.Equal("joined", exchange.Answer);
    }

    [Fact]
    public void Extract_SseMislabelledAsJson_IsStillReadAsStream()
    {
        var exchange = ExtractAuditable(ChatPath, ChatRequest, ChatStream("\n", "ok"), Json);

        Assert.Equal("ok", exchange.Answer);
    }

    [Fact]
    public void Extract_SseContentArrayDelta_JoinsTextParts()
    {
        const string stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"part\"}]}}]}\n\ndata: [DONE]\n\n";

        var exchange = ExtractAuditable(ChatPath, ChatRequest, stream, EventStream);

        Assert.Equal("part", exchange.Answer);
    }

    [Fact]
    public void Extract_SseMalformedEvent_SkipsUnparseable()
    {
        const string stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\n\ndata: [DONE]\n\n";

        var outcome = Extract(ChatPath, ChatRequest, stream, EventStream);

        Assert.Equal(SkipReasons.Unparseable, outcome.SkipReason);
        Assert.StartsWith("stream event 2 is not JSON: ", outcome.SkipDetail);
        Assert.Null(outcome.Exchange);
    }

    [Fact]
    public void Extract_SseEventThatIsNotAnObject_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, ChatRequest, "data: [1,2]\n\ndata: [DONE]\n\n", EventStream);

        AssertSkip(outcome, SkipReasons.Unparseable, "stream event 1 is not JSON: root is Array, not an object");
    }

    [Fact]
    public void Extract_SseWithNoDataEvents_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, ChatRequest, ": keep-alive\n\n", EventStream);

        AssertSkip(outcome, SkipReasons.Unparseable, "response stream has no data events");
    }

    [Fact]
    public void Extract_SseOnlyRoleAndDone_SkipsEmptyAnswer()
    {
        var outcome = Extract(ChatPath, ChatRequest, ChatStream("\n"), EventStream);

        AssertSkip(outcome, SkipReasons.EmptyAnswer, "answer has no text");
    }

    [Fact]
    public void Extract_SseToolCallDeltas_SkipsEmptyAnswer()
    {
        const string stream = """
            data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}]}}]}

            data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]}

            data: [DONE]

            """;

        var outcome = Extract(ChatPath, ChatRequest, stream, EventStream);

        AssertSkip(outcome, SkipReasons.EmptyAnswer, "answer is a tool call, not text");
    }

    [Fact]
    public void Extract_SseErrorEvent_SkipsUpstreamStatus()
    {
        const string stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Par\"}}]}\n\nevent: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n";

        var outcome = Extract(ChatPath, ChatRequest, stream, EventStream);

        AssertSkip(outcome, SkipReasons.UpstreamStatus, "upstream reported an error in stream event 2");
    }

    [Fact]
    public void Extract_SseSplitAtEveryBoundary_DecodesAndExtractsSameAnswer()
    {
        // "é" is 2 bytes, "中" 3 and "🙂" 4 in UTF-8: some splits fall inside each of them.
        var body = Encoding.UTF8.GetBytes(ChatStream("\r\n", "Café ", "中文", " 🙂", "é"));
        var request = Encoding.UTF8.GetBytes(ChatRequest);
        var extractor = new OpenAiExchangeExtractor();

        foreach (var (splitAt, sequence) in SegmentedSequence.SplitAtEveryBoundary(body))
        {
            var decoded = CapturedBodyDecoder.Decode(sequence, "identity", 1024 * 1024);
            var outcome = extractor.Extract(ChatPath, 200, request, decoded.Body, EventStream);

            Assert.True(outcome.IsAuditable, $"split at {splitAt}: {outcome.SkipDetail}");
            Assert.Equal("Café 中文 🙂é", outcome.Exchange!.Answer);
            Assert.Equal("Say hi in French.", outcome.Exchange.Query);
        }
    }

    [Fact]
    public void Extract_GzipSseSplitAtEveryBoundary_DecodesAndExtractsSameAnswer()
    {
        var body = Compression.Encode(Encoding.UTF8.GetBytes(ChatStream("\n", "中", "🙂")), "gzip");
        var request = Encoding.UTF8.GetBytes(ChatRequest);
        var extractor = new OpenAiExchangeExtractor();

        foreach (var (splitAt, sequence) in SegmentedSequence.SplitAtEveryBoundary(body))
        {
            var decoded = CapturedBodyDecoder.Decode(sequence, "gzip", 1024 * 1024);
            var outcome = extractor.Extract(ChatPath, 200, request, decoded.Body, EventStream);

            Assert.Equal("中🙂", outcome.Exchange?.Answer);
        }
    }

    [Fact]
    public void Extract_SseOneBytePerSegment_ExtractsSameAnswerAsContiguousBody()
    {
        var body = Encoding.UTF8.GetBytes(ChatStream("\n", "🙂🙂", "中", "é"));
        var request = Encoding.UTF8.GetBytes(ChatRequest);
        var extractor = new OpenAiExchangeExtractor();

        var decoded = CapturedBodyDecoder.Decode(SegmentedSequence.OneBytePerSegment(body), null, 1024 * 1024);
        var segmented = extractor.Extract(ChatPath, 200, request, decoded.Body, EventStream);
        var contiguous = extractor.Extract(ChatPath, 200, request, body, EventStream);

        Assert.Equal("🙂🙂中é", segmented.Exchange?.Answer);
        Assert.Equal(contiguous.Exchange!.Answer, segmented.Exchange!.Answer);
        Assert.Equal(contiguous.Exchange.Context, segmented.Exchange.Context);
    }

    [Fact]
    public void Extract_JsonBodyLabelledAsEventStream_IsReadAsJson()
    {
        // Some upstreams ignore "stream": true and answer with one JSON body under the stream content type.
        var exchange = ExtractAuditable(ChatPath, ChatRequest, """{"model":"m","choices":[{"index":0,"message":{"content":"Bonjour !"}}]}""", EventStream);

        Assert.Equal("Bonjour !", exchange.Answer);
        Assert.Equal("gpt-4o-mini", exchange.Model);
    }
}
