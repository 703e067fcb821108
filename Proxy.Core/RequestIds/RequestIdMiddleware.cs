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
        context.Items[typeof(RequestIdMiddleware)] = requestId;
        context.Response.OnStarting(static state =>
        {
            var (response, id) = ((HttpResponse, string))state;
            var upstreamId = response.Headers[AuditHubPaths.RequestIdHeader];
            if (upstreamId.Count > 0 && upstreamId != id)
            {
                response.Headers[UpstreamRequestIdHeader] = upstreamId;
            }

            response.Headers[AuditHubPaths.RequestIdHeader] = id;
            return Task.CompletedTask;
        }, (context.Response, requestId));

        using (logger.BeginScope(new RequestIdScope(requestId)))
        {
            await next(context);
        }
    }

    private sealed record RequestIdScope(string RequestId) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public KeyValuePair<string, object> this[int index] =>
            index == 0 ? new("RequestId", RequestId) : throw new ArgumentOutOfRangeException(nameof(index));
        public int Count => 1;
        public IEnumerator<KeyValuePair<string, object>> GetEnumerator() { yield return this[0]; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => $"RequestId:{RequestId}";
    }
}

public static class RequestIdHttpContextExtensions
{
    /// <summary>The request id given by <see cref="RequestIdMiddleware"/>.</summary>
    public static string GetRequestId(this HttpContext context) =>
        context.Items[typeof(RequestIdMiddleware)] as string
        ?? throw new InvalidOperationException("RequestIdMiddleware has not run for this request.");
}
