using System.Text;
using System.Text.Json;

namespace TruthTable.Core.Extraction;

/// <summary>
/// Reads the text of an OpenAI message <c>content</c>, shared by requests and responses: either a string, or an
/// array of parts where only <c>{"type":"text","text":…}</c> parts count (images, audio and refusals do not).
/// </summary>
internal static class MessageContent
{
    /// <returns>The text, or null when the content is missing, null, or has no text parts.</returns>
    public static string? ReadText(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString();
            case JsonValueKind.Array:
                return ReadTextParts(content);
            case JsonValueKind.Object:
                // A single part where an array was expected: accepted, since some clients send it.
                return ReadTextPart(content);
            default:
                return null;
        }
    }

    /// <summary>The text of the <c>content</c> property of a message-like object.</summary>
    public static string? ReadContentOf(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content)
            ? ReadText(content)
            : null;

    private static string? ReadTextParts(JsonElement parts)
    {
        StringBuilder? joined = null;
        string? single = null;
        foreach (var part in parts.EnumerateArray())
        {
            var text = ReadTextPart(part);
            if (text is null)
            {
                continue;
            }

            if (single is null)
            {
                single = text;
                continue;
            }

            joined ??= new StringBuilder(single);
            joined.Append('\n').Append(text);
        }

        return joined?.ToString() ?? single;
    }

    private static string? ReadTextPart(JsonElement part) =>
        part.GetStringOrNull("type") == "text" ? part.GetStringOrNull("text") : null;
}
