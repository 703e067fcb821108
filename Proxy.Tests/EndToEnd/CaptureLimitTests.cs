using System.Net;
using System.Text;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EndToEnd;

public sealed class CaptureLimitTests : LiveServerTest
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Proxy:MaxCaptureBytes"] = "2048",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResponseOverCaptureLimit_PassesThroughWhole_AuditSkippedTooLarge(bool stream)
    {
        var requestId = $"too-large-{stream}";
        var (caller, events) = await Server.ConnectToRequestAsync(requestId);
        await using var _ = caller;
        var answer = string.Join(' ', Enumerable.Repeat("Amsterdam is the capital of the Netherlands.", 100)); // ~4.5 KB
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"m","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"capital?"}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(AuditHubPaths.RequestIdHeader, requestId);
        request.Headers.Add(FakeOpenAiUpstream.AnswerHeader, Uri.EscapeDataString(answer));
        using var http = Server.CreateHttpClient();

        using var response = await http.SendAsync(request);
        var received = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(received.Length > 2048);
        Assert.Equal(Upstream.LastResponseBody, received);
        var skipped = await events.WaitForAsync<AuditFailedEvent>();
        Assert.Equal((requestId, "too_large", true), (skipped.RequestId, skipped.Reason, skipped.Skipped));
        Assert.Contains("Proxy:MaxCaptureBytes", skipped.Error);
    }
}
