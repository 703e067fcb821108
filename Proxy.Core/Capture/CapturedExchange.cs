namespace TruthTable.Core.Capture;

/// <summary>How a captured exchange ended on the wire.</summary>
public enum CaptureCompletion
{
    Complete,
    ClientDisconnected,
    UpstreamFailed,
}

/// <summary>
/// The copy of one proxied exchange, handed from the request path to the pipeline. Holds no HttpContext and no
/// headers beyond the content metadata the extractor needs (never Authorization). Owns its pooled buffers.
/// </summary>
public sealed class CapturedExchange(
    string requestId,
    string path,
    int statusCode,
    string? responseContentType,
    string? responseContentEncoding,
    string? requestContentEncoding,
    CaptureBuffer requestBody,
    CaptureBuffer responseBody,
    CaptureCompletion completion) : IDisposable
{
    public string RequestId { get; } = requestId;
    public string Path { get; } = path;
    public int StatusCode { get; } = statusCode;
    public string? ResponseContentType { get; } = responseContentType;
    public string? ResponseContentEncoding { get; } = responseContentEncoding;
    public string? RequestContentEncoding { get; } = requestContentEncoding;
    public CaptureBuffer RequestBody { get; } = requestBody;
    public CaptureBuffer ResponseBody { get; } = responseBody;
    public CaptureCompletion Completion { get; } = completion;

    public void Dispose()
    {
        RequestBody.Dispose();
        ResponseBody.Dispose();
    }
}
