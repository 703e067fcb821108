using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using TruthTable.Audit.V1;

namespace TruthTable.Core.Auditing;

/// <summary>
/// An optional extension of the audit contract that saves the second call of an audit. A client that sends
/// <see cref="RequestHeader"/> with SubmitAudit lets an engine that has the finished result at hand return it in the
/// response trailer <see cref="TrailerKey"/>; the client then skips GetAuditResult. Wire-compatible both ways:
/// engines that do not know the header (the Python engine) ignore it, and clients that do not send it get nothing
/// extra. Results over <see cref="MaxBytes"/> are left to GetAuditResult, well under HttpClient's 64 KB limit for
/// response headers (binary metadata travels base64-encoded). An engine in this process hands its caller the object
/// instead (<see cref="HandOver"/>), of any size.
/// </summary>
public static class AuditResultTrailer
{
    public const string RequestHeader = "truthtable-result-in-trailer";

    public const string TrailerKey = "truthtable-audit-result-bin";

    public const int MaxBytes = 16 * 1024;

    /// <summary>Request headers asking for the result in the trailer (a new instance: gRPC may add to it).</summary>
    public static Metadata Ask() => new() { { RequestHeader, "1" } };

    public static bool IsAskedFor(Metadata requestHeaders) => requestHeaders.GetValue(RequestHeader) == "1";

    // Results an engine in this process handed over, by the trailers object its caller reads: the caller takes the
    // object instead of parsing a copy of its bytes, which was a tenth of what TruthTable allocated per audit at
    // 1,000 audits/s. A caller over the network gets trailers of its own, never found here; an entry goes with them.
    private static readonly ConditionalWeakTable<Metadata, AuditResult> InProcessResults = new();

    /// <summary>Adds the serialized result to the trailers when it fits in <see cref="MaxBytes"/>: for a caller over the network.</summary>
    public static void Attach(Metadata trailers, byte[] serializedResult)
    {
        if (serializedResult.Length <= MaxBytes)
        {
            trailers.Add(TrailerKey, serializedResult);
        }
    }

    /// <summary>
    /// Hands the result itself to a caller in this process that reads these very trailers. No bytes go along:
    /// <see cref="Metadata"/> would copy them and nobody would read them. No size limit either, as nothing crosses
    /// HTTP/2. The engine must not change the result after.
    /// </summary>
    public static void HandOver(Metadata trailers, AuditResult result) => InProcessResults.AddOrUpdate(trailers, result);

    /// <summary>The result in the trailers, or null when there is none or it does not parse (then GetAuditResult decides).</summary>
    public static AuditResult? Read(Metadata trailers)
    {
        if (InProcessResults.TryGetValue(trailers, out var attached))
        {
            return attached;
        }

        if (trailers.GetValueBytes(TrailerKey) is not { } bytes)
        {
            return null;
        }

        try
        {
            return AuditResult.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
