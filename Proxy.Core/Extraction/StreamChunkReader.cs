using System.Text.Json;

namespace TruthTable.Core.Extraction;

/// <summary>
/// The fast path for one SSE chunk of a completions stream: a single forward pass with <see cref="Utf8JsonReader"/>
/// that copies the first choice's text straight into the <see cref="AnswerBuilder"/>, so a typical chunk allocates
/// nothing (no document, no string per delta). Anything out of the ordinary (an error object, tool calls, refusals,
/// content parts, several first choices, repeated keys, bad JSON) is declined, untouched, and the caller reads that
/// chunk with <see cref="JsonDocument"/> as before, so the outcome and skip details stay the same.
/// </summary>
internal static class StreamChunkReader
{
    /// <returns>True when the chunk was read and its text added; false to fall back, with nothing changed.</returns>
    /// <exception cref="InvalidOperationException">A string the chunk contributes is not valid UTF-8.</exception>
    public static bool TryRead(ReadOnlySpan<byte> chunk, AnswerBuilder answer, ref string? model)
    {
        StringToken text = default;
        StringToken modelToken = default;
        try
        {
            var reader = new Utf8JsonReader(chunk);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var seenChoices = false;
            var seenModel = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("choices"u8))
                {
                    if (seenChoices || !reader.Read() || !TryReadChoices(ref reader, ref text))
                    {
                        return false;
                    }

                    seenChoices = true;
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    if (seenModel || !reader.Read())
                    {
                        return false;
                    }

                    seenModel = true;
                    // Only a non-empty string names the model (the document path's rule).
                    if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                    {
                        modelToken = StringToken.At(ref reader);
                    }
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    return false;
                }
                else if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }

            // The root object must be closed and be the only value in the chunk.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (modelToken.IsSet && model is null)
        {
            var token = modelToken.Reader(chunk);
            model = token.GetString();
        }

        if (text.IsSet)
        {
            var token = text.Reader(chunk);
            answer.AppendString(ref token);
        }

        return true;
    }

    /// <summary>Reads the choices array (reader on its start), keeping the text token of the first choice.</summary>
    private static bool TryReadChoices(ref Utf8JsonReader reader, ref StringToken text)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Not a choice object: the document path ignores it too.
                if (!reader.TrySkip())
                {
                    return false;
                }

                continue;
            }

            if (!TryReadChoice(ref reader, out var isFirst, out var choiceText))
            {
                return false;
            }

            if (isFirst && choiceText.IsSet)
            {
                if (text.IsSet)
                {
                    return false; // two first choices in one chunk: rare, left to the document path
                }

                text = choiceText;
            }
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>Reads one choice object (reader on its start) up to its end.</summary>
    private static bool TryReadChoice(ref Utf8JsonReader reader, out bool isFirst, out StringToken text)
    {
        isFirst = true; // a missing index is taken as 0
        text = default;
        var seenIndex = false;
        var seenMessage = false;
        var seenText = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                if (seenIndex || !reader.Read())
                {
                    return false;
                }

                seenIndex = true;
                if (reader.TokenType == JsonTokenType.Number)
                {
                    isFirst = reader.TryGetInt32(out var index) && index == 0;
                }
                else if (!reader.TrySkip())
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
            {
                if (seenMessage || !reader.Read() || reader.TokenType != JsonTokenType.StartObject
                    || !TryReadMessage(ref reader, ref text))
                {
                    return false;
                }

                seenMessage = true;
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                if (seenText || !reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                seenText = true;
                text = StringToken.At(ref reader);
            }
            else if (!reader.Read() || !reader.TrySkip())
            {
                return false;
            }
        }

        // A legacy "text" next to a message or delta: the document path prefers the message; leave it to that path.
        return reader.TokenType == JsonTokenType.EndObject && !(seenText && seenMessage);
    }

    /// <summary>Reads a delta or message object (reader on its start): string or null content, nothing else of note.</summary>
    private static bool TryReadMessage(ref Utf8JsonReader reader, ref StringToken text)
    {
        var seenContent = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                if (seenContent || !reader.Read())
                {
                    return false;
                }

                seenContent = true;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        text = StringToken.At(ref reader);
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        return false; // content parts: the document path joins them
                }
            }
            else if (reader.ValueTextEquals("tool_calls"u8) || reader.ValueTextEquals("function_call"u8)
                || reader.ValueTextEquals("refusal"u8))
            {
                // These only matter to say why an answer is empty; when set, the document path keeps that reason.
                if (!reader.Read() || reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else if (!reader.Read() || !reader.TrySkip())
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    /// <summary>Where a string token sits in the chunk (quotes included), to be read once the chunk is known good.</summary>
    private readonly record struct StringToken(int Start, int Length)
    {
        public bool IsSet => Length > 0;

        public static StringToken At(ref Utf8JsonReader reader) =>
            new((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2);

        /// <summary>A reader positioned on the token.</summary>
        public Utf8JsonReader Reader(ReadOnlySpan<byte> chunk)
        {
            var reader = new Utf8JsonReader(chunk.Slice(Start, Length));
            reader.Read();
            return reader;
        }
    }
}
