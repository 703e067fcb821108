using System.Text;
using TruthTable.Core.Extraction;
using static TruthTable.Tests.Extraction.ExtractorHarness;

namespace TruthTable.Tests.Extraction;

public sealed class OpenAiExchangeExtractorSkipTests
{
    private const string Request = """{"model":"gpt-4o","messages":[{"role":"system","content":"Context."},{"role":"user","content":"Question?"}]}""";
    private const string Response = """{"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Answer."}}]}""";

    [Theory]
    [InlineData(503, "upstream returned 503")]
    [InlineData(500, "upstream returned 500")]
    [InlineData(429, "upstream returned 429")]
    [InlineData(400, "upstream returned 400")]
    [InlineData(304, "upstream returned 304")]
    [InlineData(101, "upstream returned 101")]
    public void Extract_NonSuccessStatus_SkipsUpstreamStatus(int statusCode, string expectedDetail)
    {
        var outcome = Extract(ChatPath, Request, """{"error":{"message":"Rate limit"}}""", statusCode: statusCode);

        AssertSkip(outcome, SkipReasons.UpstreamStatus, expectedDetail);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(299)]
    public void Extract_SuccessStatus_IsAudited(int statusCode)
    {
        var outcome = Extract(ChatPath, Request, Response, statusCode: statusCode);

        Assert.True(outcome.IsAuditable);
        Assert.Equal("Answer.", outcome.Exchange!.Answer);
    }

    [Fact]
    public void Extract_RequestNotJson_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, "model=gpt-4o&q=hello", Response);

        AssertSkip(outcome, SkipReasons.Unparseable, "request body is not JSON: 'm' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 0.");
    }

    [Fact]
    public void Extract_RequestIsJsonArray_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, """[{"role":"user","content":"Q"}]""", Response);

        AssertSkip(outcome, SkipReasons.Unparseable, "request body is not JSON: root is Array, not an object");
    }

    [Fact]
    public void Extract_EmptyRequestBody_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, "", Response);

        AssertSkip(outcome, SkipReasons.Unparseable, "request body is not JSON: body is empty");
    }

    [Fact]
    public void Extract_ResponseNotJson_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, Request, "<html>Bad gateway</html>", "text/html");

        AssertSkip(outcome, SkipReasons.Unparseable, "response body is not JSON: '<' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 0.");
    }

    [Fact]
    public void Extract_ResponseTruncatedJson_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, Request, Response[..40]);

        Assert.Equal(SkipReasons.Unparseable, outcome.SkipReason);
        Assert.StartsWith("response body is not JSON: ", outcome.SkipDetail);
    }

    [Fact]
    public void Extract_EmptyResponseBody_SkipsUnparseable()
    {
        var outcome = Extract(ChatPath, Request, "", Json);

        AssertSkip(outcome, SkipReasons.Unparseable, "response body is not JSON: body is empty");
    }

    [Fact]
    public void Extract_ResponseWithUtf8Bom_IsRead()
    {
        var outcome = Extract(ChatPath, Request, "\uFEFF" + Response);

        Assert.Equal("Answer.", outcome.Exchange?.Answer);
    }

    [Fact]
    public void Extract_StringWithInvalidUtf8_SkipsUnparseable()
    {
        var response = Encoding.UTF8.GetBytes(Response.Replace("Answer.", "Answer\u0001"));
        response[Array.IndexOf(response, (byte)1)] = 0xFF;

        var outcome = new OpenAiExchangeExtractor().Extract(ChatPath, 200, Encoding.UTF8.GetBytes(Request), response, Json);

        AssertSkip(outcome, SkipReasons.Unparseable, "body has a string that is not valid UTF-8");
    }

    [Fact]
    public void Extract_UnknownPath_SkipsUnparseable()
    {
        var outcome = Extract("/v1/embeddings", Request, Response);

        AssertSkip(outcome, SkipReasons.Unparseable, "path is not a completions endpoint");
    }

    [Fact]
    public void Extract_LongGarbageBody_DetailIsShortAndDoesNotEchoBody()
    {
        var secretLooking = "sk-" + new string('A', 5000);
        var outcome = Extract(ChatPath, "{\"model\": " + secretLooking, Response);

        Assert.Equal(SkipReasons.Unparseable, outcome.SkipReason);
        Assert.True(outcome.SkipDetail!.Length <= 120, outcome.SkipDetail);
        Assert.DoesNotContain("AAAA", outcome.SkipDetail);
    }

    [Fact]
    public void Skip_LongDetail_IsShortenedTo120Characters()
    {
        var outcome = ExtractionOutcome.Skip(SkipReasons.Unparseable, new string('x', 500));

        Assert.Equal(120, outcome.SkipDetail!.Length);
        Assert.EndsWith("…", outcome.SkipDetail);
    }

    [Fact]
    public void Extract_EveryPrefixOfValidBodies_NeverThrows()
    {
        // Truncated captures are the most likely bad input; every cut must end in an audit or a known skip.
        var known = new[] { SkipReasons.Unparseable, SkipReasons.EmptyAnswer };
        var stream = ChatStream("\r\n", "Ans", "wer.");
        var extractor = new OpenAiExchangeExtractor();
        var requestBytes = Encoding.UTF8.GetBytes(Request);
        var responseBytes = Encoding.UTF8.GetBytes(Response);
        var streamBytes = Encoding.UTF8.GetBytes(stream);

        for (var cut = 0; cut < requestBytes.Length; cut++)
        {
            var outcome = extractor.Extract(ChatPath, 200, requestBytes.AsMemory(0, cut), responseBytes, Json);
            Assert.Contains(outcome.SkipReason, known);
        }

        for (var cut = 0; cut < responseBytes.Length; cut++)
        {
            var outcome = extractor.Extract(ChatPath, 200, requestBytes, responseBytes.AsMemory(0, cut), Json);
            Assert.Contains(outcome.SkipReason, known);
        }

        for (var cut = 0; cut <= streamBytes.Length; cut++)
        {
            var outcome = extractor.Extract(ChatPath, 200, requestBytes, streamBytes.AsMemory(0, cut), EventStream);
            Assert.True(outcome.IsAuditable || known.Contains(outcome.SkipReason), $"cut {cut}: {outcome.SkipReason}");
        }
    }
}
