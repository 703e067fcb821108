using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TruthTable.Core.Extraction;

/// <summary>Parses a captured JSON body straight from its bytes, turning failures into skip outcomes.</summary>
internal static class JsonBody
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <param name="what">Names the body in the skip detail, e.g. "request body" or "stream event 3".</param>
    /// <returns>True with a document whose root is an object (the caller disposes it), or false with a skip.</returns>
    public static bool TryParseObject(
        ReadOnlyMemory<byte> body,
        string what,
        [NotNullWhen(true)] out JsonDocument? document,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        document = null;
        body = WithoutBom(body);
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            skip = ExtractionOutcome.Skip(SkipReasons.Unparseable, $"{what} is not JSON: body is empty");
            return false;
        }

        JsonDocument parsed;
        try
        {
            // Parse(ReadOnlyMemory) reads the bytes in place: no string of the whole body is made.
            parsed = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            // JsonException messages name a token and a position, never a run of the body.
            skip = ExtractionOutcome.Skip(SkipReasons.Unparseable, $"{what} is not JSON: {ex.Message}");
            return false;
        }

        if (parsed.RootElement.ValueKind != JsonValueKind.Object)
        {
            skip = ExtractionOutcome.Skip(SkipReasons.Unparseable, $"{what} is not JSON: root is {parsed.RootElement.ValueKind}, not an object");
            parsed.Dispose();
            return false;
        }

        document = parsed;
        skip = null;
        return true;
    }

    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith(Utf8Bom) ? body[Utf8Bom.Length..] : body;

    /// <summary>The string value of <paramref name="name"/>, or null when it is missing or not a string.</summary>
    public static string? GetStringOrNull(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The property <paramref name="name"/> when it has the wanted kind.</summary>
    public static bool TryGetPropertyOfKind(this JsonElement element, string name, JsonValueKind kind, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind == kind)
        {
            return true;
        }

        value = default;
        return false;
    }
}
