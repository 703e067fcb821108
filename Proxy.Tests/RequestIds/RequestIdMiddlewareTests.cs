using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using TruthTable.Contracts;
using TruthTable.Core.RequestIds;

namespace TruthTable.Tests.RequestIds;

public sealed class RequestIdMiddlewareTests
{
    [Fact]
    public async Task InvokeAsync_ValidCallerId_IsTheRequestIdDownstreamAndForwarded()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[AuditHubPaths.RequestIdHeader] = "caller-1";
        string? seen = null;
        var middleware = new RequestIdMiddleware(c => { seen = c.GetRequestId(); return Task.CompletedTask; },
            NullLogger<RequestIdMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        Assert.Equal("caller-1", seen);
        Assert.Equal("caller-1", context.Request.Headers[AuditHubPaths.RequestIdHeader]);
    }

    [Fact]
    public async Task InvokeAsync_InvalidCallerId_ReplacedEverywhere()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[AuditHubPaths.RequestIdHeader] = "bad id";
        string? seen = null;
        var middleware = new RequestIdMiddleware(c => { seen = c.GetRequestId(); return Task.CompletedTask; },
            NullLogger<RequestIdMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        Assert.NotNull(seen);
        Assert.True(RequestId.IsValid(seen));
        Assert.Equal(seen, context.Request.Headers[AuditHubPaths.RequestIdHeader]);
    }

    [Fact]
    public void GetRequestId_MiddlewareNotRun_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new DefaultHttpContext().GetRequestId());
}
