using System.Buffers;
using System.Text;
using TruthTable.Core.Extraction;

namespace TruthTable.Tests.Extraction;

public sealed class CapturedBodyDecoderTests
{
    private const int OneMebibyte = 1024 * 1024;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"model":"gpt-4o","choices":[{"message":{"content":"Crème brûlée 中文 🙂"}}]}""");

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("x-gzip", "gzip")]
    [InlineData("GZIP", "gzip")]
    [InlineData("br", "br")]
    [InlineData("deflate", "deflate")]
    [InlineData("deflate", "raw-deflate")]
    public void Decode_CompressedBody_ReturnsOriginalBytes(string contentEncoding, string appliedCoding)
    {
        var encoded = Compression.Encode(Body, appliedCoding);

        var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(encoded), contentEncoding, OneMebibyte);

        Assert.True(result.Succeeded);
        Assert.Null(result.FailureDetail);
        Assert.Equal(Body, result.Body.ToArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("identity")]
    [InlineData("Identity")]
    [InlineData("none")]
    [InlineData(" identity , ")]
    public void Decode_IdentityEncoding_ReturnsBytesUnchanged(string? contentEncoding)
    {
        var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(Body), contentEncoding, OneMebibyte);

        Assert.True(result.Succeeded);
        Assert.Equal(Body, result.Body.ToArray());
    }

    [Fact]
    public void Decode_IdentityMultiSegment_ReturnsConcatenatedBytes()
    {
        var sequence = SegmentedSequence.FromSegments(Body[..10], Body[10..11], Body[11..]);

        var result = CapturedBodyDecoder.Decode(sequence, "identity", OneMebibyte);

        Assert.True(result.Succeeded);
        Assert.Equal(Body, result.Body.ToArray());
    }

    [Fact]
    public void Decode_GzipThenBrotli_UndoesCodingsInReverseOrder()
    {
        // "gzip, br" means gzip was applied first, then br.
        var encoded = Compression.Encode(Compression.Encode(Body, "gzip"), "br");

        var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(encoded), "gzip, br", OneMebibyte);

        Assert.True(result.Succeeded);
        Assert.Equal(Body, result.Body.ToArray());
    }

    [Fact]
    public void Decode_GzipSplitAtEveryBoundary_ReturnsSameBytes()
    {
        var encoded = Compression.Encode(Body, "gzip");

        foreach (var (splitAt, sequence) in SegmentedSequence.SplitAtEveryBoundary(encoded))
        {
            var result = CapturedBodyDecoder.Decode(sequence, "gzip", OneMebibyte);
            Assert.True(result.Succeeded, $"split at {splitAt}: {result.FailureDetail}");
            Assert.Equal(Body, result.Body.ToArray());
        }
    }

    [Fact]
    public void Decode_BrotliOneBytePerSegment_ReturnsSameBytes()
    {
        var encoded = Compression.Encode(Body, "br");

        var result = CapturedBodyDecoder.Decode(SegmentedSequence.OneBytePerSegment(encoded), "br", OneMebibyte);

        Assert.True(result.Succeeded);
        Assert.Equal(Body, result.Body.ToArray());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public void Decode_DecompressionBombOverBound_FailsTooLarge(string coding)
    {
        // 64 MiB of zeros compresses to a few KiB: small enough to capture, far past the bound once inflated.
        var bomb = Compression.Encode(new byte[64 * OneMebibyte], coding);
        Assert.True(bomb.Length < 128 * 1024);

        var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(bomb), coding, OneMebibyte);

        Assert.False(result.Succeeded);
        Assert.Equal(SkipReasons.TooLarge, result.FailureReason);
        Assert.Equal("decoded body exceeds 1048576 bytes", result.FailureDetail);
        Assert.True(result.Body.IsEmpty);
    }

    [Fact]
    public void Decode_DecodedSizeExactlyAtBound_Succeeds()
    {
        var body = new byte[4096];
        Array.Fill(body, (byte)'a');
        var encoded = Compression.Encode(body, "gzip");

        var atBound = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(encoded), "gzip", 4096);
        var oneUnder = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(encoded), "gzip", 4095);

        Assert.True(atBound.Succeeded);
        Assert.Equal(4096, atBound.Body.Length);
        Assert.Equal(SkipReasons.TooLarge, oneUnder.FailureReason);
        Assert.Equal("decoded body exceeds 4095 bytes", oneUnder.FailureDetail);
    }

    [Fact]
    public void Decode_IdentityBodyOverBound_FailsTooLarge()
    {
        var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(new byte[101]), "identity", 100);

        Assert.Equal(SkipReasons.TooLarge, result.FailureReason);
        Assert.Equal("decoded body exceeds 100 bytes", result.FailureDetail);
    }

    [Theory]
    [InlineData("compress")]
    [InlineData("zstd")]
    [InlineData("gzip, secret-token-abc")]
    public void Decode_UnknownEncoding_FailsUnparseableWithoutEchoingHeader(string contentEncoding)
    {
        var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(Body), contentEncoding, OneMebibyte);

        Assert.False(result.Succeeded);
        Assert.Equal(SkipReasons.Unparseable, result.FailureReason);
        Assert.Equal("unsupported content encoding", result.FailureDetail);
    }

    [Theory]
    [InlineData("gzip", "gzip body is corrupt")]
    [InlineData("br", "br body is corrupt")]
    [InlineData("deflate", "deflate body is corrupt")]
    public void Decode_CorruptData_FailsUnparseable(string coding, string expectedDetail)
    {
        // Plain JSON labelled as compressed: what a misconfigured upstream sends.
        var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(Body), coding, OneMebibyte);

        Assert.False(result.Succeeded);
        Assert.Equal(SkipReasons.Unparseable, result.FailureReason);
        Assert.Equal(expectedDetail, result.FailureDetail);
    }

    [Fact]
    public void Decode_GzipWithCorruptedPayload_FailsUnparseable()
    {
        var encoded = Compression.Encode(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("hello world ", 200))), "gzip");
        // Flip bytes in the middle of the deflate payload, past the 10-byte gzip header.
        for (var i = 12; i < encoded.Length - 8; i += 3)
        {
            encoded[i] ^= 0x5A;
        }

        var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(encoded), "gzip", OneMebibyte);

        Assert.Equal(SkipReasons.Unparseable, result.FailureReason);
        Assert.StartsWith("gzip body is corrupt", result.FailureDetail);
    }

    [Theory]
    [InlineData("gzip", "gzip body is truncated")]
    [InlineData("br", "br body is truncated")]
    [InlineData("deflate", "deflate body is truncated")]
    public void Decode_TruncatedCompressedBody_FailsUnparseableAtEveryCut(string coding, string expectedDetail)
    {
        // The BCL streams stop quietly when input runs out, so this proves the trailer/status check catches cuts.
        var encoded = Compression.Encode(Body, coding);

        for (var cut = 1; cut < encoded.Length; cut++)
        {
            var result = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(encoded, 0, cut), coding, OneMebibyte);

            Assert.False(result.Succeeded, $"cut {cut}");
            Assert.Equal(SkipReasons.Unparseable, result.FailureReason);
            Assert.True(result.FailureDetail is "gzip body is corrupt" or "br body is corrupt" or "deflate body is corrupt" || result.FailureDetail == expectedDetail, $"cut {cut}: {result.FailureDetail}");
        }

        var lastByteMissing = CapturedBodyDecoder.Decode(new ReadOnlySequence<byte>(encoded, 0, encoded.Length - 1), coding, OneMebibyte);
        Assert.Equal(expectedDetail, lastByteMissing.FailureDetail);
    }

    [Fact]
    public void Decode_LargeZlibBody_PassesAdlerCheck()
    {
        // Longer than zlib's 5552-byte Adler-32 run, so the modulo folding is exercised.
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i} ÿ\n")));
        var encoded = Compression.Encode(body, "deflate");

        var result = CapturedBodyDecoder.Decode(SegmentedSequence.FromSegments(encoded[..100], encoded[100..]), "deflate", OneMebibyte);

        Assert.True(result.Succeeded, result.FailureDetail);
        Assert.Equal(body, result.Body.ToArray());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public void Decode_EmptyBodyWithEncoding_ReturnsEmptyBody(string coding)
    {
        var result = CapturedBodyDecoder.Decode(ReadOnlySequence<byte>.Empty, coding, OneMebibyte);

        Assert.True(result.Succeeded);
        Assert.Equal(0, result.Body.Length);
    }
}
