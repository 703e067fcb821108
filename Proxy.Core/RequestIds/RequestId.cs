using System.Security.Cryptography;

namespace TruthTable.Core.RequestIds;

/// <summary>The request id rules: honour a caller's id when it is safe to echo and to subscribe by.</summary>
public static class RequestId
{
    public const int MaxLength = 128;

    private const int RandomBytesPerId = 10; // 74 random bits after the version and variant bits
    private const int RandomBatchBytes = 4096;

    // Random bytes from the OS's CSPRNG, fetched per thread in batches: a client subscribes to an audit's events by its
    // id, so it must stay unguessable, but one read(2) of /dev/urandom per request (Guid.CreateVersion7) was ~1 % of
    // the proxy's CPU at saturation.
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    /// <summary>1 to 128 characters of [A-Za-z0-9._:-].</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A new id: a version 7 UUID (RFC 9562) as 32 lowercase hex digits, the 48-bit Unix millisecond time first, so
    /// ids sort roughly by arrival. Same form as <c>Guid.CreateVersion7().ToString("N")</c>.
    /// </summary>
    public static string Create()
    {
        var random = t_random;
        if (random is null || t_used > RandomBatchBytes - RandomBytesPerId)
        {
            random = t_random ??= new byte[RandomBatchBytes];
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }

        Span<byte> uuid = stackalloc byte[16];
        var milliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            uuid[i] = (byte)(milliseconds >> (40 - 8 * i));
        }

        random.AsSpan(t_used, RandomBytesPerId).CopyTo(uuid[6..]);
        t_used += RandomBytesPerId;
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x70); // version 7
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC 9562 variant
        return Convert.ToHexStringLower(uuid);
    }

    /// <summary>The caller's id when valid, otherwise a new one.</summary>
    public static string FromHeader(string? header) => header is not null && IsValid(header) ? header : Create();
}
