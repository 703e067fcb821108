using System.Buffers;

namespace TruthTable.Core.Extraction;

/// <summary>
/// Walks the data of server-sent events in a complete body, per the WHATWG event-stream rules: lines end with
/// <c>\r\n</c>, <c>\n</c> or <c>\r</c>; <c>:</c> lines are comments; several <c>data:</c> lines in one event are
/// joined with <c>\n</c>; other fields (<c>event</c>, <c>id</c>, <c>retry</c>) are ignored.
/// </summary>
/// <remarks>
/// Scans bytes rather than splitting a string, so the body is never decoded as a whole. A single-line event's data
/// is a slice of the body; a multi-line one is joined into a buffer that is reused, so each returned data is only
/// valid until the next call.
/// </remarks>
internal sealed class SseEventReader(ReadOnlyMemory<byte> body)
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private ReadOnlyMemory<byte> _remaining = body.Span.StartsWith(Utf8Bom) ? body[Utf8Bom.Length..] : body;
    private ArrayBufferWriter<byte>? _joinedData;

    /// <summary>Reads the data of the next event that has any.</summary>
    public bool TryReadData(out ReadOnlyMemory<byte> data)
    {
        var firstLine = ReadOnlyMemory<byte>.Empty;
        var dataLines = 0;
        while (TryReadLine(out var line))
        {
            var span = line.Span;
            if (span.IsEmpty)
            {
                // A blank line dispatches the event; one without data is dropped, as the spec says.
                if (dataLines > 0)
                {
                    data = dataLines == 1 ? firstLine : _joinedData!.WrittenMemory;
                    return true;
                }

                continue;
            }

            if (span[0] == (byte)':')
            {
                continue;
            }

            var colon = span.IndexOf((byte)':');
            var field = colon < 0 ? span : span[..colon];
            if (!field.SequenceEqual("data"u8))
            {
                continue;
            }

            var value = colon < 0 ? ReadOnlyMemory<byte>.Empty : line[(colon + 1)..];
            if (!value.IsEmpty && value.Span[0] == (byte)' ')
            {
                value = value[1..];
            }

            if (dataLines == 0)
            {
                firstLine = value;
            }
            else
            {
                _joinedData ??= new ArrayBufferWriter<byte>();
                if (dataLines == 1)
                {
                    _joinedData.Clear();
                    _joinedData.Write(firstLine.Span);
                }

                _joinedData.Write("\n"u8);
                _joinedData.Write(value.Span);
            }

            dataLines++;
        }

        // The spec drops an event cut off by end of stream, but a captured body that simply lacks the final blank
        // line is common enough that its last event is kept; a truncated JSON payload still fails to parse later.
        if (dataLines > 0)
        {
            data = dataLines == 1 ? firstLine : _joinedData!.WrittenMemory;
            return true;
        }

        data = ReadOnlyMemory<byte>.Empty;
        return false;
    }

    private bool TryReadLine(out ReadOnlyMemory<byte> line)
    {
        if (_remaining.IsEmpty)
        {
            line = ReadOnlyMemory<byte>.Empty;
            return false;
        }

        var span = _remaining.Span;
        var end = span.IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            line = _remaining;
            _remaining = ReadOnlyMemory<byte>.Empty;
            return true;
        }

        line = _remaining[..end];
        var terminatorLength = span[end] == (byte)'\r' && end + 1 < span.Length && span[end + 1] == (byte)'\n' ? 2 : 1;
        _remaining = _remaining[(end + terminatorLength)..];
        return true;
    }
}
