namespace TruthTable.Core.RequestIds;

/// <summary>The request id rules: honour a caller's id when it is safe to echo and to use as a group name.</summary>
public static class RequestId
{
    public const int MaxLength = 128;

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

    /// <summary>A new id; time-ordered so ids sort roughly by arrival.</summary>
    public static string Create() => Guid.CreateVersion7().ToString("N");

    /// <summary>The caller's id when valid, otherwise a new one.</summary>
    public static string FromHeader(string? header) => header is not null && IsValid(header) ? header : Create();
}
