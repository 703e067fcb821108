using System.Buffers;
using System.Buffers.Binary;
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

        // Bodiless responses (204, HEAD) may still carry the header; there is nothing to undo.
        if (body.IsEmpty)
        {
            return DecodeResult.Success(ReadOnlyMemory<byte>.Empty);
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
        var output = new ArrayBufferWriter<byte>(Math.Clamp((int)Math.Min(input.Length * 4, int.MaxValue), 256, Math.Max(maxDecodedBytes, 256)));
        try
        {
            var outcome = coding == ContentCoding.Brotli
                ? InflateBrotli(input, output, maxDecodedBytes)
                : InflateDeflateFamily(input, coding, output, maxDecodedBytes);
            return outcome switch
            {
                InflateOutcome.Complete => DecodeResult.Success(output.WrittenMemory),
                InflateOutcome.TooLarge => TooLarge(maxDecodedBytes),
                InflateOutcome.Truncated => DecodeResult.Failure(SkipReasons.Unparseable, $"{CodingName(coding)} body is truncated"),
                _ => Corrupt(coding),
            };
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException or NotSupportedException)
        {
            return Corrupt(coding);
        }
    }

    /// <remarks>
    /// The BCL gzip/zlib streams end quietly when input runs out mid-stream, so completeness is checked against the
    /// trailer: zlib's Adler-32, gzip's ISIZE. (A multi-member gzip body fails that check; HTTP servers do not send
    /// them.) Raw deflate has no trailer, so a cut raw-deflate body is only caught later by the JSON reader.
    /// </remarks>
    private static InflateOutcome InflateDeflateFamily(
        ReadOnlySequence<byte> input, ContentCoding coding, ArrayBufferWriter<byte> output, int maxDecodedBytes)
    {
        var zlib = coding == ContentCoding.Deflate && HasZlibHeader(input);
        using var source = new ReadOnlySequenceStream(input);
        using Stream decompressor = coding switch
        {
            ContentCoding.Gzip => new GZipStream(source, CompressionMode.Decompress),
            // HTTP "deflate" means zlib-wrapped, but some servers send raw deflate; the zlib header tells them apart.
            _ when zlib => new ZLibStream(source, CompressionMode.Decompress),
            _ => new DeflateStream(source, CompressionMode.Decompress),
        };

        while (true)
        {
            var read = decompressor.Read(NextTarget(output, maxDecodedBytes));
            if (read == 0)
            {
                break;
            }

            output.Advance(read);
            if (output.WrittenCount > maxDecodedBytes)
            {
                return InflateOutcome.TooLarge;
            }
        }

        if (coding == ContentCoding.Gzip)
        {
            return input.Length >= 18 && ReadTrailer(input, bigEndian: false) == (uint)output.WrittenCount
                ? InflateOutcome.Complete
                : InflateOutcome.Truncated;
        }

        if (zlib)
        {
            return input.Length >= 6 && ReadTrailer(input, bigEndian: true) == Adler32(output.WrittenSpan)
                ? InflateOutcome.Complete
                : InflateOutcome.Truncated;
        }

        return InflateOutcome.Complete;
    }

    /// <summary>Brotli through the decoder struct, whose status says whether the stream really ended.</summary>
    private static InflateOutcome InflateBrotli(ReadOnlySequence<byte> input, ArrayBufferWriter<byte> output, int maxDecodedBytes)
    {
        // Captures are at most 1 MiB, so joining segments costs little next to the inflated output.
        ReadOnlySpan<byte> remaining = input.IsSingleSegment ? input.FirstSpan : input.ToArray();
        using var decoder = new BrotliDecoder();
        while (true)
        {
            var status = decoder.Decompress(remaining, NextTarget(output, maxDecodedBytes), out var consumed, out var written);
            remaining = remaining[consumed..];
            output.Advance(written);
            if (output.WrittenCount > maxDecodedBytes)
            {
                return InflateOutcome.TooLarge;
            }

            switch (status)
            {
                case OperationStatus.Done:
                    return InflateOutcome.Complete;
                case OperationStatus.NeedMoreData:
                    return InflateOutcome.Truncated;
                case OperationStatus.InvalidData:
                    return InflateOutcome.Corrupt;
            }
        }
    }

    /// <summary>
    /// Where to inflate next: at most one byte past the bound, since getting that byte proves the output too large
    /// without inflating any further.
    /// </summary>
    private static Span<byte> NextTarget(ArrayBufferWriter<byte> output, int maxDecodedBytes)
    {
        var room = maxDecodedBytes - output.WrittenCount + 1;
        var target = output.GetSpan(Math.Min(room, ReadChunkBytes));
        return target[..Math.Min(target.Length, room)];
    }

    /// <summary>The last four bytes of the input as a 32-bit number.</summary>
    private static uint ReadTrailer(ReadOnlySequence<byte> input, bool bigEndian)
    {
        Span<byte> trailer = stackalloc byte[4];
        input.Slice(input.Length - 4).CopyTo(trailer);
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(trailer) : BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }

    /// <summary>RFC 1950 Adler-32 (the BCL has no public implementation outside a NuGet package).</summary>
    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Modulus = 65521;
        // 5552 is the largest run whose sums cannot overflow 32 bits before the modulo, as in zlib.
        const int MaxRun = 5552;
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            var run = data[..Math.Min(data.Length, MaxRun)];
            foreach (var value in run)
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[run.Length..];
        }

        return (b << 16) | a;
    }

    private static bool HasZlibHeader(ReadOnlySequence<byte> input)
    {
        Span<byte> header = stackalloc byte[2];
        input.Slice(0, Math.Min(input.Length, 2)).CopyTo(header);
        // RFC 1950: compression method 8 (deflate) and a header checksum that makes CMF*256+FLG a multiple of 31.
        // A lone first byte is judged by its method alone, so a zlib body cut after one byte still reads as cut.
        return (header[0] & 0x0F) == 8 && (input.Length == 1 || ((header[0] << 8) | header[1]) % 31 == 0);
    }

    private static string CodingName(ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => "gzip",
        ContentCoding.Brotli => "br",
        _ => "deflate",
    };

    private static DecodeResult Corrupt(ContentCoding coding) =>
        DecodeResult.Failure(SkipReasons.Unparseable, $"{CodingName(coding)} body is corrupt");

    private static DecodeResult TooLarge(int maxDecodedBytes) =>
        DecodeResult.Failure(SkipReasons.TooLarge, $"decoded body exceeds {maxDecodedBytes} bytes");

    private enum InflateOutcome
    {
        Complete,
        TooLarge,
        Truncated,
        Corrupt,
    }

    private enum ContentCoding
    {
        Gzip,
        Brotli,
        Deflate,
    }
}
