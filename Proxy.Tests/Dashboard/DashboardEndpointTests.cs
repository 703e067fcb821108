using System.Net;
using System.Net.Http.Headers;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Dashboard;

/// <summary>The dashboard's files are served by TruthTable itself, ahead of the proxy's catch-all route.</summary>
public sealed class DashboardEndpointTests : LiveServerTest
{
    [Fact]
    public async Task Root_ServesIndexHtmlWithContentSecurityPolicy_NotTheUpstream()
    {
        using var http = Server.CreateHttpClient();

        var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"connection-state\"", html);
        Assert.Contains("lib/signalr.min.js", html);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("connect-src 'self'", policy);
        Assert.Empty(Upstream.Received);
    }

    [Theory]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/js/connection.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    [InlineData("/lib/signalr.min.js", "text/javascript")]
    public async Task Asset_IsServedWithItsContentType(string path, string contentType)
    {
        using var http = Server.CreateHttpClient();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task SignalRBundle_IsTheOfficialClientCopiedByTheBuild()
    {
        using var http = Server.CreateHttpClient();

        var script = await http.GetStringAsync("/lib/signalr.min.js");

        Assert.Contains("HubConnectionBuilder", script);
        Assert.Contains("withAutomaticReconnect", script);
    }

    [Fact]
    public async Task Asset_RequestedAgainWithItsETag_Returns304()
    {
        using var http = Server.CreateHttpClient();

        var first = await http.GetAsync("/app.js");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());

        using var again = new HttpRequestMessage(HttpMethod.Get, "/app.js");
        again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        var second = await http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task OtherPaths_AreStillProxied()
    {
        using var http = Server.CreateHttpClient();

        var response = await http.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("fake-model", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Page_LoadsNoThirdPartyOrigin()
    {
        using var http = Server.CreateHttpClient();

        var html = await http.GetStringAsync("/");

        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("//cdn", html);
    }
}
