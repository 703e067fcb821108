using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TruthTable.Core.Extraction;

/// <summary>What the upstream answered, and the model it says answered.</summary>
internal sealed record ParsedResponse(string? Model, string Answer);

/// <summary>
/// Reads the answer of the first choice from a completions response, either one JSON body or a server-sent event
/// stream of chunks. Chat and legacy shapes are both understood (<c>message</c>/<c>delta</c> content or <c>text</c>),
/// so the endpoint does not need to be known here.
/// </summary>
internal static class ChatResponseReader
{
    private const string EventStreamMediaType = "text/event-stream";

    public static bool TryRead(
        ReadOnlyMemory<byte> body,
        string? contentType,
        [NotNullWhen(true)] out ParsedResponse? response,
        [NotNullWhen(false)] out ExtractionOutcome? skip) =>
        IsEventStream(body, contentType)
            ? TryReadStream(body, out response, out skip)
            : TryReadJson(body, out response, out skip);

    /// <summary>
    /// The body decides before the header: an object is JSON even when labelled as a stream (an error sent to a
    /// streaming request), and <c>data:</c> lines are a stream even when labelled JSON.
    /// </summary>
    private static bool IsEventStream(ReadOnlyMemory<byte> body, string? contentType)
    {
        var start = JsonBody.WithoutBom(body).Span.TrimStart(" \t\r\n"u8);
        if (!start.IsEmpty && start[0] == (byte)'{')
        {
            return false;
        }

        if (start.StartsWith("data:"u8) || start.StartsWith(":"u8) || start.StartsWith("event:"u8) || start.StartsWith("id:"u8))
        {
            return true;
        }

        return contentType is not null && contentType.TrimStart().StartsWith(EventStreamMediaType, StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryReadJson(
        ReadOnlyMemory<byte> body,
        [NotNullWhen(true)] out ParsedResponse? response,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        response = null;
        if (!JsonBody.TryParseObject(body, "response body", out var document, out skip))
        {
            return false;
        }

        using (document)
        {
            return TryReadCompletion(document.RootElement, out response, out skip);
        }
    }

    private static bool TryReadCompletion(
        JsonElement root,
        [NotNullWhen(true)] out ParsedResponse? response,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        response = null;
        if (!root.TryGetPropertyOfKind("choices", JsonValueKind.Array, out var choices))
        {
            skip = root.TryGetPropertyOfKind("error", JsonValueKind.Object, out _)
                ? ExtractionOutcome.Skip(SkipReasons.UpstreamStatus, "upstream returned an error object with a success status")
                : ExtractionOutcome.Skip(SkipReasons.Unparseable, "response body has no choices array");
            return false;
        }

        using var answer = new AnswerBuilder();
        var sawChoice = false;
        foreach (var choice in choices.EnumerateArray())
        {
            if (IsFirstChoice(choice))
            {
                answer.Add(choice);
                sawChoice = true;
                break;
            }
        }

        if (!sawChoice)
        {
            skip = ExtractionOutcome.Skip(SkipReasons.EmptyAnswer, "response has no choice with index 0");
            return false;
        }

        return answer.TryBuild(root.GetStringOrNull("model"), out response, out skip);
    }

    private static bool TryReadStream(
        ReadOnlyMemory<byte> body,
        [NotNullWhen(true)] out ParsedResponse? response,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        response = null;
        var reader = new SseEventReader(body);
        using var answer = new AnswerBuilder();
        string? model = null;
        var eventNumber = 0;
        while (reader.TryReadData(out var data))
        {
            eventNumber++;
            if (data.Span.Trim(" \t"u8).SequenceEqual("[DONE]"u8))
            {
                // Anything after the sentinel is not part of this answer.
                break;
            }

            // Typical chunks take the allocation-free path; the rest are read as documents below.
            if (StreamChunkReader.TryRead(data.Span, answer, ref model))
            {
                continue;
            }

            if (!TryReadChunkDocument(data, eventNumber, answer, ref model, out skip))
            {
                return false;
            }
        }

        if (eventNumber == 0)
        {
            skip = ExtractionOutcome.Skip(SkipReasons.Unparseable, "response stream has no data events");
            return false;
        }

        return answer.TryBuild(model, out response, out skip);
    }

    private static bool TryReadChunkDocument(
        ReadOnlyMemory<byte> data,
        int eventNumber,
        AnswerBuilder answer,
        ref string? model,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        // Strict on purpose: a chunk we cannot read means the assembled answer could silently miss text.
        if (!JsonBody.TryParseObject(data, $"stream event {eventNumber}", out var chunk, out skip))
        {
            return false;
        }

        using (chunk)
        {
            var root = chunk.RootElement;
            if (root.TryGetPropertyOfKind("error", JsonValueKind.Object, out _))
            {
                skip = ExtractionOutcome.Skip(SkipReasons.UpstreamStatus, $"upstream reported an error in stream event {eventNumber}");
                return false;
            }

            model ??= root.GetStringOrNull("model") is { Length: > 0 } named ? named : null;
            // Chunks without choices (e.g. the final usage chunk) carry no answer text.
            if (root.TryGetPropertyOfKind("choices", JsonValueKind.Array, out var choices))
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (IsFirstChoice(choice))
                    {
                        answer.Add(choice);
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Only the first choice (n = 1, the usual case) is audited; a missing index is taken as 0.</summary>
    private static bool IsFirstChoice(JsonElement choice) =>
        choice.ValueKind == JsonValueKind.Object
        && (!choice.TryGetPropertyOfKind("index", JsonValueKind.Number, out var index) || (index.TryGetInt32(out var value) && value == 0));
}
