using System.IO.Compression;

namespace TruthTable.Tests.Extraction;

/// <summary>Encodes test bodies the way an upstream would before sending them.</summary>
internal static class Compression
{
    public static byte[] Encode(byte[] body, string coding)
    {
        using var output = new MemoryStream();
        using (var compressor = Open(output, coding))
        {
            compressor.Write(body);
        }

        return output.ToArray();
    }

    private static Stream Open(Stream output, string coding) => coding switch
    {
        "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
        "br" => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
        "deflate" => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
        "raw-deflate" => new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, null),
    };
}
