using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TruthTable.Contracts;

namespace TruthTable.Core.RequestIds;

/// <summary>
/// Gives every request an id: the caller's valid X-Request-ID or a new one. It is forwarded upstream, returned on
/// every response (set when the headers start, so an upstream's own X-Request-ID cannot replace it; that one is
/// kept as X-Upstream-Request-ID) and put in the logging scope.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string UpstreamRequestIdHeader = "X-Upstream-Request-ID";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = RequestId.FromHeader(context.Request.Headers[AuditHubPaths.RequestIdHeader]);
        context.Request.Headers[AuditHubPaths.RequestIdHeader] = requestId;
        // One object per request serves as the feature, the OnStarting state and the logging scope.
        var feature = new RequestIdFeature(requestId, context.Response);
        context.Features.Set(feature);
        context.Response.OnStarting(RequestIdFeature.StampResponse, feature);

        using (logger.BeginScope(feature))
        {
            await next(context);
        }
    }
}

/// <summary>The request's id, as a request feature; also the logging scope state (<c>RequestId</c>).</summary>
internal sealed class RequestIdFeature(string requestId, HttpResponse response) : IReadOnlyList<KeyValuePair<string, object>>
{
    public static readonly Func<object, Task> StampResponse = static state =>
    {
        var feature = (RequestIdFeature)state;
        var headers = feature._response.Headers;
        var upstreamId = headers[AuditHubPaths.RequestIdHeader];
        if (upstreamId.Count > 0 && upstreamId != feature.RequestId)
        {
            headers[RequestIdMiddleware.UpstreamRequestIdHeader] = upstreamId;
        }

        headers[AuditHubPaths.RequestIdHeader] = feature.RequestId;
        return Task.CompletedTask;
    };

    private readonly HttpResponse _response = response;

    public string RequestId { get; } = requestId;

    public int Count => 1;

    public KeyValuePair<string, object> this[int index] =>
        index == 0 ? new("RequestId", RequestId) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RequestId:{RequestId}";
}

public static class RequestIdHttpContextExtensions
{
    /// <summary>The request id given by <see cref="RequestIdMiddleware"/>.</summary>
    public static string GetRequestId(this HttpContext context) =>
        context.Features.Get<RequestIdFeature>()?.RequestId
        ?? throw new InvalidOperationException("RequestIdMiddleware has not run for this request.");
}
