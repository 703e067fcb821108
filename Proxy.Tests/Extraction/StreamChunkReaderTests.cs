using System.Text;
using TruthTable.Core.Extraction;
using static TruthTable.Tests.Extraction.ExtractorHarness;

namespace TruthTable.Tests.Extraction;

public sealed class StreamChunkReaderTests
{
    [Fact]
    public void TryRead_PlainDelta_AddsTextAndModel()
    {
        var (read, answer, model) = Read("""{"id":"c1","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""");

        Assert.True(read);
        Assert.Equal("Hello", answer);
        Assert.Equal("gpt-4o-mini", model);
    }

    [Fact]
    public void TryRead_EscapedText_IsUnescaped()
    {
        var (read, answer, _) = Read("""{"choices":[{"index":0,"delta":{"content":"a\nb \"q\" \u00e9 \ud83d\ude42"}}]}""");

        Assert.True(read);
        Assert.Equal("a\nb \"q\" é 🙂", answer);
    }

    [Fact]
    public void TryRead_IndexAfterDelta_StillReadsTheFirstChoice()
    {
        var (read, answer, _) = Read("""{"choices":[{"delta":{"content":"skip"},"index":1},{"delta":{"content":"keep"},"index":0}]}""");

        Assert.True(read);
        Assert.Equal("keep", answer);
    }

    [Fact]
    public void TryRead_LegacyText_AddsText()
    {
        var (read, answer, _) = Read("""{"object":"text_completion","choices":[{"text":"Par","index":0,"logprobs":null}]}""");

        Assert.True(read);
        Assert.Equal("Par", answer);
    }

    [Fact]
    public void TryRead_NullContentAndNullRefusal_AddsNothing()
    {
        var (read, answer, _) = Read("""{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":null}}]}""");

        Assert.True(read);
        Assert.Equal("", answer);
    }

    [Fact]
    public void TryRead_EmptyModel_LeavesModelUnknown()
    {
        var (read, _, model) = Read("""{"model":"","choices":[]}""");

        Assert.True(read);
        Assert.Null(model);
    }

    [Fact]
    public void TryRead_ModelAlreadyKnown_KeepsIt()
    {
        using var answer = new AnswerBuilder();
        string? model = "first";

        Assert.True(StreamChunkReader.TryRead("""{"model":"second","choices":[]}"""u8, answer, ref model));

        Assert.Equal("first", model);
    }

    [Theory]
    [InlineData("""{"error":{"message":"overloaded"}}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0}]}}]}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"refusal":"no"}}]}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"part"}]}}]}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"a"}},{"delta":{"content":"b"}}]}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"a","content":"b"}}]}""")]
    [InlineData("""{"choices":[{"index":0,"text":"a","delta":{"content":"b"}}]}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"a"}}]} trailing""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"a"}""")]
    [InlineData("""[{"choices":[]}]""")]
    public void TryRead_UnusualChunk_DeclinesAndChangesNothing(string chunk)
    {
        var (read, answer, model) = Read(chunk);

        Assert.False(read);
        Assert.Equal("", answer);
        Assert.Null(model);
    }

    [Fact]
    public void TryRead_InvalidUtf8InContent_ThrowsAsTheDocumentPathDoes()
    {
        byte[] chunk = [.. """{"choices":[{"index":0,"delta":{"content":"a"""u8, 0xFF, .. "\"}}]}"u8];
        using var answer = new AnswerBuilder();
        string? model = null;

        Assert.Throws<InvalidOperationException>(() => StreamChunkReader.TryRead(chunk, answer, ref model));
    }

    [Fact]
    public void Extract_StreamMixingPlainAndContentPartChunks_KeepsTheOrder()
    {
        const string stream =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one \"}}]}\n\n" +
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"two \"}]}}]}\n\n" +
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"three\"}}]}\n\n" +
            "data: [DONE]\n\n";

        var exchange = ExtractAuditable(ChatPath, """{"messages":[{"role":"user","content":"Count."}]}""", stream, EventStream);

        Assert.Equal("one two three", exchange.Answer);
    }

    private static (bool Read, string Answer, string? Model) Read(string chunk)
    {
        using var answer = new AnswerBuilder();
        string? model = null;
        var read = StreamChunkReader.TryRead(Encoding.UTF8.GetBytes(chunk), answer, ref model);
        var text = answer.TryBuild(model, out var response, out _) ? response.Answer : "";
        return (read, text, model);
    }
}
