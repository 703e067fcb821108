using System.Net;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EndToEnd;

public sealed class AuditServiceUnavailableTests
{
    [Fact]
    public async Task ProxiedCall_AuditServiceUnreachable_StillSucceedsAndAuditFailedArrives()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress, new Dictionary<string, string?>
        {
            ["Audit:Endpoint"] = $"http://127.0.0.1:{FreePort.Next()}", // nothing listens there
            ["Audit:Timeout"] = "00:00:03",
        });
        await using var caller = await server.ConnectHubAsync();
        var events = new EventRecorder(caller);
        await caller.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "down-1");

        using var http = server.CreateHttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(AuditHubPaths.RequestIdHeader, "down-1");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(upstream.LastResponseBody, await response.Content.ReadAsByteArrayAsync());
        var failed = await events.WaitForAsync<AuditFailedEvent>(timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(("down-1", "unavailable", false), (failed.RequestId, failed.Reason, failed.Skipped));

        using var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.DoesNotContain("auditsAtProxyPriority", await ready.Content.ReadAsStringAsync()); // no embedded engine
    }
}
