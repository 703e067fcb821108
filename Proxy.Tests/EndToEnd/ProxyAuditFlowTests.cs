using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EndToEnd;

/// <summary>
/// The whole path on real parts: a client, TruthTable on a Kestrel loopback port, a fake OpenAI upstream on
/// another, the embedded engine over real gRPC (HTTP/2), and real SignalR HubConnection clients.
/// </summary>
public sealed class ProxyAuditFlowTests : LiveServerTest
{
    private const string Secret = "Bearer sk-test-SECRET-123";

    private static HttpRequestMessage ChatRequest(string requestId, bool stream, string? answer = null)
    {
        var body = $$"""
            {"model":"gpt-test","stream":{{(stream ? "true" : "false")}},"messages":[
              {"role":"system","content":"Amsterdam is the capital of the Netherlands. Rotterdam has the largest port in Europe."},
              {"role":"user","content":"What is the capital of the Netherlands?"}]}
            """;
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", Secret);
        request.Headers.Add(AuditHubPaths.RequestIdHeader, requestId);
        if (answer is not null)
        {
            request.Headers.Add(FakeOpenAiUpstream.AnswerHeader, Uri.EscapeDataString(answer));
        }

        return request;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChatCompletion_ThroughProxy_SameBytesAndAuditCompleteOnRequestGroupAndFeed(bool stream)
    {
        var requestId = $"e2e-{(stream ? "sse" : "json")}-1";
        await using var caller = await Server.ConnectHubAsync();
        await using var dashboard = await Server.ConnectHubAsync();
        var callerEvents = new EventRecorder(caller);
        var feedEvents = new EventRecorder(dashboard);
        Assert.Null(await caller.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), requestId));
        await dashboard.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));

        using var http = Server.CreateHttpClient();
        using var response = await http.SendAsync(ChatRequest(requestId, stream));
        var received = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Upstream.LastResponseBody, received);
        Assert.Equal(requestId, response.Headers.GetValues(AuditHubPaths.RequestIdHeader).Single());
        var forwarded = Upstream.Received.Single();
        Assert.Equal(Secret, forwarded.Authorization);
        Assert.Equal(requestId, forwarded.RequestId);

        var started = await callerEvents.WaitForAsync<AuditStartedEvent>(e => e.RequestId == requestId);
        var complete = await callerEvents.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == requestId);
        Assert.Equal("gpt-test", started.Model);
        Assert.True(complete.TotalClaims >= 1);
        Assert.False(complete.HallucinationDetected);
        Assert.Equal("A", complete.Grade);
        Assert.True(callerEvents.Seen.ToList().IndexOf(started) < callerEvents.Seen.ToList().IndexOf(complete));

        var feedComplete = await feedEvents.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == requestId);
        Assert.Equal(complete.AuditId, feedComplete.AuditId);
        var everything = System.Text.Json.JsonSerializer.Serialize(callerEvents.Seen.Concat(feedEvents.Seen).ToArray());
        Assert.DoesNotContain("SECRET", everything);
    }

    [Fact]
    public async Task ChatCompletion_ContradictingAnswer_AuditFlagsContradiction()
    {
        var (caller, events) = await Server.ConnectToRequestAsync("e2e-contradiction");
        await using var _ = caller;

        using var http = Server.CreateHttpClient();
        using var response = await http.SendAsync(ChatRequest("e2e-contradiction", stream: true,
            answer: "Rotterdam is the capital of the Netherlands."));
        response.EnsureSuccessStatusCode();

        var complete = await events.WaitForAsync<AuditCompleteEvent>();
        Assert.True(complete.HallucinationDetected);
        Assert.Equal(1, complete.ContradictedClaims);
        Assert.Equal("contradicted", complete.Verifications.Single().Status);
        Assert.NotEqual("A", complete.Grade);
    }

    [Fact]
    public async Task SubscribeToRequest_AfterCompletion_ReturnsFinalState()
    {
        await using var feed = await Server.ConnectHubAsync();
        var events = new EventRecorder(feed);
        await feed.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));
        using var http = Server.CreateHttpClient();
        using var response = await http.SendAsync(ChatRequest("e2e-late", stream: false));
        await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == "e2e-late");

        await using var late = await Server.ConnectHubAsync();
        var state = await late.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "e2e-late");

        Assert.NotNull(state);
        Assert.Equal(AuditState.StatusComplete, state.Status);
        Assert.Equal("e2e-late", state.Complete!.RequestId);
        Assert.NotNull(state.Started);
    }

    [Fact]
    public async Task ProxiedRequest_WithoutRequestId_GetsGeneratedIdReturnedAndForwarded()
    {
        using var http = Server.CreateHttpClient();
        var request = ChatRequest("placeholder", stream: false);
        request.Headers.Remove(AuditHubPaths.RequestIdHeader);
        request.Headers.TryAddWithoutValidation(AuditHubPaths.RequestIdHeader, "not valid!");

        using var response = await http.SendAsync(request);

        var id = response.Headers.GetValues(AuditHubPaths.RequestIdHeader).Single();
        Assert.NotEqual("not valid!", id);
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", id);
        Assert.Equal(id, Upstream.Received.Single().RequestId);
        Assert.Equal("upstream-own-id", response.Headers.GetValues("X-Upstream-Request-ID").Single());
    }

    [Fact]
    public async Task ProxiedRequest_TraceContext_ReachesUpstreamAsTheCallerSentIt()
    {
        // The proxy starts no trace span of its own per request unless tracing is switched on (an ActivityListener,
        // or the hosting-diagnostics logs turned on), so it neither adds a traceparent nor replaces the caller's.
        const string callersTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var http = Server.CreateHttpClient();
        using var without = await http.SendAsync(ChatRequest("e2e-trace-none", stream: false));
        var traced = ChatRequest("e2e-trace-callers", stream: false);
        traced.Headers.Add("traceparent", callersTraceParent);
        using var with = await http.SendAsync(traced);

        Assert.Equal(HttpStatusCode.OK, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        var received = Upstream.Received.ToDictionary(r => r.RequestId!);
        Assert.Null(received["e2e-trace-none"].TraceParent);
        Assert.Equal(callersTraceParent, received["e2e-trace-callers"].TraceParent);
    }

    [Fact]
    public async Task UpstreamError_IsPassedThroughAndSkippedWithReason()
    {
        var (caller, events) = await Server.ConnectToRequestAsync("e2e-503");
        await using var _ = caller;
        using var http = Server.CreateHttpClient();
        var request = ChatRequest("e2e-503", stream: false);
        request.Headers.Add(FakeOpenAiUpstream.StatusHeader, "503");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(Upstream.LastResponseBody, await response.Content.ReadAsByteArrayAsync());
        var skipped = await events.WaitForAsync<AuditFailedEvent>();
        Assert.Equal(("upstream_status", true), (skipped.Reason, skipped.Skipped));
        Assert.DoesNotContain("SECRET", skipped.Error);
    }

    [Fact]
    public async Task GzipResponse_ClientGetsCompressedBytes_AuditSeesDecodedAnswer()
    {
        var (caller, events) = await Server.ConnectToRequestAsync("e2e-gzip");
        await using var _ = caller;
        using var http = Server.CreateHttpClient(); // no automatic decompression: we see the wire bytes
        var request = ChatRequest("e2e-gzip", stream: false);
        request.Headers.Add(FakeOpenAiUpstream.GzipHeader, "1");

        using var response = await http.SendAsync(request);

        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        Assert.Equal(Upstream.LastResponseBody, await response.Content.ReadAsByteArrayAsync());
        var complete = await events.WaitForAsync<AuditCompleteEvent>();
        Assert.False(complete.HallucinationDetected);
    }

    [Fact]
    public async Task UpstreamResetMidStream_ClientSeesError_AuditSkippedTruncated()
    {
        var (caller, events) = await Server.ConnectToRequestAsync("e2e-reset");
        await using var _ = caller;
        using var http = Server.CreateHttpClient();
        var request = ChatRequest("e2e-reset", stream: true);
        request.Headers.Add(FakeOpenAiUpstream.ResetAfterChunksHeader, "2");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var received = new MemoryStream();
        var error = await Record.ExceptionAsync(async () => await (await response.Content.ReadAsStreamAsync()).CopyToAsync(received));
        Assert.True(error is not null, $"the client must see the reset, not a clean end; got {response.StatusCode}: {Encoding.UTF8.GetString(received.ToArray())}");

        var skipped = await events.WaitForAsync<AuditFailedEvent>();
        Assert.Equal(("truncated", true), (skipped.Reason, skipped.Skipped));
    }

    [Fact]
    public async Task ClientDisconnectMidStream_AuditSkippedTruncated_ProxyKeepsServing()
    {
        var (caller, events) = await Server.ConnectToRequestAsync("e2e-gone");
        await using var _ = caller;
        using (var http = Server.CreateHttpClient())
        {
            var request = ChatRequest("e2e-gone", stream: true, answer: string.Join(' ', Enumerable.Repeat("word", 40)));
            request.Headers.Add(FakeOpenAiUpstream.ChunkDelayHeader, "50");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.ReadExactlyAsync(new byte[10]);
        } // the client goes away mid-stream

        var skipped = await events.WaitForAsync<AuditFailedEvent>();
        Assert.Equal(("truncated", true), (skipped.Reason, skipped.Skipped));
        using var again = Server.CreateHttpClient();
        using var next = await again.SendAsync(ChatRequest("e2e-after-gone", stream: false));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task SseStream_ReachesClientEventByEvent_NotBuffered()
    {
        using var http = Server.CreateHttpClient();
        var request = ChatRequest("e2e-live", stream: true, answer: "one two three four five six seven eight");
        request.Headers.Add(FakeOpenAiUpstream.ChunkDelayHeader, "300");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[6];
        await body.ReadExactlyAsync(first);

        // The upstream needs ~2.4 s for all chunks; the first event is here long before it has finished.
        Assert.Equal("data: ", Encoding.UTF8.GetString(first));
        Assert.Empty(Upstream.LastResponseBody);
    }

    [Fact]
    public async Task NonAuditedPath_IsProxiedWithoutCapture()
    {
        using var http = Server.CreateHttpClient();
        using var response = await http.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("fake-model", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/nothing-here")]
    [InlineData("/health/nothing-here")]
    [InlineData("/hubs/other")]
    public async Task ReservedPrefix_UnknownPath_Is404ProblemAndNotProxied(string path)
    {
        using var http = Server.CreateHttpClient();
        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(Upstream.Received);
    }
}
