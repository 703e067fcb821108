using System.Text;
using TruthTable.Core.Extraction;

namespace TruthTable.Tests.Extraction;

/// <summary>Runs the extractor on string bodies, the way tests like to write them.</summary>
internal static class ExtractorHarness
{
    public const string ChatPath = "/v1/chat/completions";
    public const string LegacyPath = "/v1/completions";
    public const string Json = "application/json";
    public const string EventStream = "text/event-stream; charset=utf-8";

    public static ExtractionOutcome Extract(string path, string request, string response, string? contentType = Json, int statusCode = 200) =>
        new OpenAiExchangeExtractor().Extract(path, statusCode, Encoding.UTF8.GetBytes(request), Encoding.UTF8.GetBytes(response), contentType);

    public static AuditableExchange ExtractAuditable(string path, string request, string response, string? contentType = Json)
    {
        var outcome = Extract(path, request, response, contentType);
        Assert.True(outcome.IsAuditable, $"expected an audit, got {outcome.SkipReason}: {outcome.SkipDetail}");
        Assert.Null(outcome.SkipReason);
        return outcome.Exchange!;
    }

    public static void AssertSkip(ExtractionOutcome outcome, string reason, string detail)
    {
        Assert.False(outcome.IsAuditable);
        Assert.Null(outcome.Exchange);
        Assert.Equal(reason, outcome.SkipReason);
        Assert.Equal(detail, outcome.SkipDetail);
    }

    /// <summary>A chat stream as OpenAI sends it: role chunk, one chunk per piece, finish chunk, usage chunk, [DONE].</summary>
    public static string ChatStream(string newline, params string[] pieces)
    {
        var body = new StringBuilder();
        void Event(string json) => body.Append("data: ").Append(json).Append(newline).Append(newline);

        Event("""{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""");
        foreach (var piece in pieces)
        {
            Event($$"""{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":{{JsonString(piece)}}},"finish_reason":null}]}""");
        }

        Event("""{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");
        Event("""{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}""");
        Event("[DONE]");
        return body.ToString();
    }

    /// <summary>A JSON string literal that keeps non-ASCII characters as raw UTF-8, as most upstreams send them.</summary>
    public static string JsonString(string value) =>
        System.Text.Json.JsonSerializer.Serialize(value, RelaxedJson);

    private static readonly System.Text.Json.JsonSerializerOptions RelaxedJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
