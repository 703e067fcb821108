using System.Buffers;
using System.IO.Compression;

namespace TruthTable.Core.Extraction;

/// <summary>A decoded body, or why it could not be decoded (a <see cref="SkipReasons"/> value and a short detail).</summary>
public readonly record struct DecodeResult(ReadOnlyMemory<byte> Body, string? FailureReason, string? FailureDetail)
{
    public bool Succeeded => FailureReason is null;

    internal static DecodeResult Success(ReadOnlyMemory<byte> body) => new(body, null, null);

    internal static DecodeResult Failure(string reason, string detail) => new(ReadOnlyMemory<byte>.Empty, reason, detail);
}

/// <summary>
/// Undoes the upstream's Content-Encoding on a captured body. Never throws on bad data: corrupt input or an unknown
/// coding is <c>unparseable</c>, output past the bound (a decompression bomb) is <c>too_large</c>.
/// </summary>
public static class CapturedBodyDecoder
{
    private const int ReadChunkBytes = 64 * 1024;

    public static DecodeResult Decode(ReadOnlySequence<byte> body, string? contentEncoding, int maxDecodedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecodedBytes);

        // Codings are listed in the order they were applied, so they are undone from the last one back.
        var codings = ParseCodings(contentEncoding);
        if (codings is null)
        {
            // The header value itself is not echoed: details never carry header values.
            return DecodeResult.Failure(SkipReasons.Unparseable, "unsupported content encoding");
        }

        if (codings.Count == 0)
        {
            if (body.Length > maxDecodedBytes)
            {
                return TooLarge(maxDecodedBytes);
            }

            return DecodeResult.Success(body.IsSingleSegment ? body.First : body.ToArray());
        }

        var current = body;
        ReadOnlyMemory<byte> decoded = ReadOnlyMemory<byte>.Empty;
        for (var i = codings.Count - 1; i >= 0; i--)
        {
            var step = Decompress(current, codings[i], maxDecodedBytes);
            if (!step.Succeeded)
            {
                return step;
            }

            decoded = step.Body;
            current = new ReadOnlySequence<byte>(decoded);
        }

        return DecodeResult.Success(decoded);
    }

    /// <returns>The codings to undo (identity dropped), or null when one is not supported.</returns>
    private static List<ContentCoding>? ParseCodings(string? contentEncoding)
    {
        var codings = new List<ContentCoding>();
        if (string.IsNullOrWhiteSpace(contentEncoding))
        {
            return codings;
        }

        foreach (var range in contentEncoding.AsSpan().Split(','))
        {
            var token = contentEncoding.AsSpan(range).Trim();
            if (token.IsEmpty || token.Equals("identity", StringComparison.OrdinalIgnoreCase)
                || token.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (token.Equals("gzip", StringComparison.OrdinalIgnoreCase) || token.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                codings.Add(ContentCoding.Gzip);
            }
            else if (token.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                codings.Add(ContentCoding.Brotli);
            }
            else if (token.Equals("deflate", StringComparison.OrdinalIgnoreCase))
            {
                codings.Add(ContentCoding.Deflate);
            }
            else
            {
                return null;
            }
        }

        return codings;
    }

    private static DecodeResult Decompress(ReadOnlySequence<byte> input, ContentCoding coding, int maxDecodedBytes)
    {
        try
        {
            using var source = new ReadOnlySequenceStream(input);
            using var decompressor = OpenDecompressor(source, coding, input);
            var output = new ArrayBufferWriter<byte>(Math.Clamp((int)Math.Min(input.Length * 4, int.MaxValue), 256, Math.Max(maxDecodedBytes, 256)));
            while (true)
            {
                // Ask for one byte past the bound: getting it proves the output is too large without inflating more.
                var room = maxDecodedBytes - output.WrittenCount + 1;
                var target = output.GetSpan(Math.Min(room, ReadChunkBytes));
                var read = decompressor.Read(target[..Math.Min(target.Length, room)]);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                if (output.WrittenCount > maxDecodedBytes)
                {
                    return TooLarge(maxDecodedBytes);
                }
            }

            return DecodeResult.Success(output.WrittenMemory);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException or NotSupportedException)
        {
            return DecodeResult.Failure(SkipReasons.Unparseable, $"{CodingName(coding)} body is corrupt ({ex.GetType().Name})");
        }
    }

    private static Stream OpenDecompressor(Stream source, ContentCoding coding, ReadOnlySequence<byte> input) => coding switch
    {
        ContentCoding.Gzip => new GZipStream(source, CompressionMode.Decompress),
        ContentCoding.Brotli => new BrotliStream(source, CompressionMode.Decompress),
        // HTTP "deflate" means zlib-wrapped, but some servers send raw deflate; the zlib header tells them apart.
        ContentCoding.Deflate when HasZlibHeader(input) => new ZLibStream(source, CompressionMode.Decompress),
        ContentCoding.Deflate => new DeflateStream(source, CompressionMode.Decompress),
        _ => throw new NotSupportedException(),
    };

    private static bool HasZlibHeader(ReadOnlySequence<byte> input)
    {
        if (input.Length < 2)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[2];
        input.Slice(0, 2).CopyTo(header);
        // RFC 1950: compression method 8 (deflate) and a header checksum that makes CMF*256+FLG a multiple of 31.
        return (header[0] & 0x0F) == 8 && ((header[0] << 8) | header[1]) % 31 == 0;
    }

    private static string CodingName(ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => "gzip",
        ContentCoding.Brotli => "br",
        _ => "deflate",
    };

    private static DecodeResult TooLarge(int maxDecodedBytes) =>
        DecodeResult.Failure(SkipReasons.TooLarge, $"decoded body exceeds {maxDecodedBytes} bytes");

    private enum ContentCoding
    {
        Gzip,
        Brotli,
        Deflate,
    }
}
