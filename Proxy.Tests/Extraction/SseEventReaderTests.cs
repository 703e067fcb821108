using System.Text;
using TruthTable.Core.Extraction;

namespace TruthTable.Tests.Extraction;

public sealed class SseEventReaderTests
{
    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void TryReadData_AnyLineEnding_ReturnsEachEventData(string newline)
    {
        var body = $"data: one{newline}{newline}data: two{newline}{newline}";

        Assert.Equal(["one", "two"], ReadAll(body));
    }

    [Fact]
    public void TryReadData_MixedLineEndings_ReturnsEachEventData()
    {
        Assert.Equal(["one", "two", "three"], ReadAll("data: one\r\n\r\ndata: two\r\rdata: three\n\n"));
    }

    [Fact]
    public void TryReadData_MultipleDataLines_JoinsWithLineFeed()
    {
        Assert.Equal(["first\nsecond\nthird", "next"], ReadAll("data: first\r\ndata: second\r\ndata: third\r\n\r\ndata: next\n\n"));
    }

    [Fact]
    public void TryReadData_CommentsAndOtherFields_AreSkipped()
    {
        var body = ": keep-alive\n\n: OPENROUTER PROCESSING\n\nevent: message\nid: 7\nretry: 3000\ndata: payload\n\nevent: ping\n\n";

        Assert.Equal(["payload"], ReadAll(body));
    }

    [Fact]
    public void TryReadData_ValueSpacing_StripsOnlyOneLeadingSpace()
    {
        Assert.Equal(["x", " y", "z "], ReadAll("data:x\n\ndata:  y\n\ndata: z \n\n"));
    }

    [Fact]
    public void TryReadData_DataFieldWithoutColon_AddsEmptyLine()
    {
        Assert.Equal(["\nafter"], ReadAll("data\ndata: after\n\n"));
    }

    [Fact]
    public void TryReadData_LastEventWithoutBlankLine_IsStillReturned()
    {
        Assert.Equal(["one", "two"], ReadAll("data: one\n\ndata: two"));
    }

    [Fact]
    public void TryReadData_OnlyBlankLinesAndComments_ReturnsNothing()
    {
        Assert.Empty(ReadAll("\n\r\n: ping\n\n\r"));
        Assert.Empty(ReadAll(""));
    }

    [Fact]
    public void TryReadData_Utf8Bom_IsIgnored()
    {
        Assert.Equal(["é"], ReadAll("\uFEFFdata: é\n\n"));
    }

    private static List<string> ReadAll(string body)
    {
        var reader = new SseEventReader(Encoding.UTF8.GetBytes(body));
        var events = new List<string>();
        while (reader.TryReadData(out var data))
        {
            events.Add(Encoding.UTF8.GetString(data.Span));
        }

        return events;
    }
}
