using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TruthTable.Core.Extraction;

/// <summary>What the client asked: the model it named (if any), its question and the context it supplied.</summary>
internal sealed record ParsedRequest(string? Model, string Query, IReadOnlyList<ContextSnippet> Context);

/// <summary>
/// Reads a chat or legacy completions request body. Chat: the last <c>user</c> message is the question and every
/// other message with text is context, identified as <c>messages[i]</c>. Legacy: <c>prompt</c> is the question.
/// Bodies in the older seed format (<c>query</c>/<c>prompt</c> plus a <c>context</c> array) are still accepted.
/// </summary>
internal static class ChatRequestReader
{
    public static bool TryRead(
        CompletionEndpoint endpoint,
        ReadOnlyMemory<byte> body,
        [NotNullWhen(true)] out ParsedRequest? request,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        request = null;
        if (!JsonBody.TryParseObject(body, "request body", out var document, out skip))
        {
            return false;
        }

        using (document)
        {
            return TryReadRoot(endpoint, document.RootElement, out request, out skip);
        }
    }

    private static bool TryReadRoot(
        CompletionEndpoint endpoint,
        JsonElement root,
        [NotNullWhen(true)] out ParsedRequest? request,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        var model = root.GetStringOrNull("model") is { Length: > 0 } named ? named : null;
        if (endpoint == CompletionEndpoint.Chat && root.TryGetProperty("messages", out var messages))
        {
            return TryReadMessages(model, messages, out request, out skip);
        }

        if (endpoint == CompletionEndpoint.Legacy && root.TryGetProperty("prompt", out var prompt))
        {
            return TryReadPrompt(model, prompt, out request, out skip);
        }

        return TryReadSeedFormat(model, root, out request, out skip);
    }

    private static bool TryReadMessages(
        string? model,
        JsonElement messages,
        [NotNullWhen(true)] out ParsedRequest? request,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        request = null;
        if (messages.ValueKind != JsonValueKind.Array)
        {
            skip = ExtractionOutcome.Skip(SkipReasons.Unparseable, $"request messages is {messages.ValueKind}, not an array");
            return false;
        }

        var questionIndex = -1;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.GetStringOrNull("role") == "user")
            {
                questionIndex = index;
            }

            index++;
        }

        // No user turn at all (e.g. a system-only prompt) still leaves an answer worth checking against the context.
        var query = string.Empty;
        var context = new List<ContextSnippet>();
        index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            // Assistant turns that only carry tool_calls have no content and fall out here, as do image-only turns.
            var text = MessageContent.ReadContentOf(message);
            if (index == questionIndex)
            {
                query = text ?? string.Empty;
            }
            else if (!string.IsNullOrWhiteSpace(text))
            {
                context.Add(new ContextSnippet($"messages[{index}]", text));
            }

            index++;
        }

        request = new ParsedRequest(model, query, context);
        skip = null;
        return true;
    }

    private static bool TryReadPrompt(
        string? model,
        JsonElement prompt,
        [NotNullWhen(true)] out ParsedRequest? request,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        request = null;
        if (prompt.ValueKind == JsonValueKind.String)
        {
            request = new ParsedRequest(model, prompt.GetString()!, []);
            skip = null;
            return true;
        }

        if (prompt.ValueKind != JsonValueKind.Array)
        {
            skip = ExtractionOutcome.Skip(SkipReasons.Unparseable, $"request prompt is {prompt.ValueKind}, not text");
            return false;
        }

        var lines = new List<string>();
        foreach (var item in prompt.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                // Token-id prompts ([1, 2, 3] or [[1, 2]]) would need the model's tokenizer to read.
                skip = ExtractionOutcome.Skip(SkipReasons.Unparseable, "request prompt holds token ids, not text");
                return false;
            }

            lines.Add(item.GetString()!);
        }

        request = new ParsedRequest(model, string.Join('\n', lines), []);
        skip = null;
        return true;
    }

    private static bool TryReadSeedFormat(
        string? model,
        JsonElement root,
        [NotNullWhen(true)] out ParsedRequest? request,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        request = null;
        var query = root.GetStringOrNull("query") ?? root.GetStringOrNull("prompt");
        if (query is null)
        {
            skip = ExtractionOutcome.Skip(SkipReasons.Unparseable, "request has no messages, prompt or query");
            return false;
        }

        var context = new List<ContextSnippet>();
        if (root.TryGetPropertyOfKind("context", JsonValueKind.Array, out var items))
        {
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                var snippet = ReadSeedSnippet(item, index);
                if (snippet is not null)
                {
                    context.Add(snippet);
                }

                index++;
            }
        }

        request = new ParsedRequest(model, query, context);
        skip = null;
        return true;
    }

    /// <summary>A seed context item: a bare string, or an <c>{id, content}</c> object.</summary>
    private static ContextSnippet? ReadSeedSnippet(JsonElement item, int index)
    {
        var fallbackId = $"context[{index}]";
        if (item.ValueKind == JsonValueKind.String)
        {
            var text = item.GetString();
            return string.IsNullOrWhiteSpace(text) ? null : new ContextSnippet(fallbackId, text);
        }

        var content = MessageContent.ReadContentOf(item);
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        return new ContextSnippet(ReadSeedId(item) ?? fallbackId, content);
    }

    /// <summary>Seed ids were strings or numbers; either is kept as written.</summary>
    private static string? ReadSeedId(JsonElement item)
    {
        if (!item.TryGetProperty("id", out var id))
        {
            return null;
        }

        var text = id.ValueKind switch
        {
            JsonValueKind.String => id.GetString(),
            JsonValueKind.Number => id.GetRawText(),
            _ => null,
        };
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
