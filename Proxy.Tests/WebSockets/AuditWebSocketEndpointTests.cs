using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using TruthTable.Contracts;
using TruthTable.Core.WebSockets;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.WebSockets;

/// <summary>/ws and /api/ws on the real host: the Go hub's envelope, fed by direct audits and proxied requests.</summary>
public sealed class AuditWebSocketEndpointTests : LiveServerTest
{
    [Fact]
    public async Task Ws_DirectAuditAndProxiedRequests_DeliverEveryEnvelopeTypeWithGoHubFields()
    {
        await using var feed = await WebSocketFeedClient.ConnectAsync(Server.BaseAddress);
        using var http = Server.CreateHttpClient();

        var accepted = await http.PostAsJsonAsync("/api/audits", new
        {
            query = "When was the Eiffel Tower completed?",
            response = "The Eiffel Tower was completed in 1889.",
            context = new[] { "The Eiffel Tower in Paris was completed in 1889." },
            model = "ws-model",
        });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var directId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        var proxiedId = await ProxyChatAsync(http, status: 200);
        var skippedId = await ProxyChatAsync(http, status: 500);

        var started = await feed.WaitForAsync("audit_started", p => p.GetProperty("request_id").GetString() == directId);
        AssertEnvelope(started, "audit_started");
        var startedPayload = started.GetProperty("payload");
        Assert.True(startedPayload.GetProperty("response_size").GetInt64() > 0);
        Assert.True(startedPayload.GetProperty("timestamp").GetInt64() > 0);

        var complete = (await feed.WaitForAsync("audit_complete", p => p.GetProperty("request_id").GetString() == directId))
            .GetProperty("payload");
        Assert.InRange(complete.GetProperty("trust_score").GetDouble(), 0, 1);
        Assert.InRange(complete.GetProperty("hallucination_rate").GetDouble(), 0, 1);
        Assert.Matches("^[ABCDF]$", complete.GetProperty("grade").GetString());
        Assert.Contains(complete.GetProperty("verdict").GetString(), new[] { "faithful", "partially_faithful", "hallucinated" });
        var total = complete.GetProperty("total_claims").GetInt32();
        Assert.True(total > 0);
        Assert.Equal(total, complete.GetProperty("verifications").GetArrayLength());
        Assert.True(complete.GetProperty("supported_claims").GetInt32() + complete.GetProperty("unsupported_claims").GetInt32() <= total);
        Assert.True(complete.GetProperty("processing_time_ms").GetInt64() >= 0);
        Assert.True(complete.GetProperty("timestamp").GetInt64() > 0);
        var verification = complete.GetProperty("verifications")[0];
        Assert.False(string.IsNullOrEmpty(verification.GetProperty("claim").GetString()));
        Assert.True(verification.GetProperty("supported").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.InRange(verification.GetProperty("confidence").GetDouble(), 0, 1);
        Assert.Equal(JsonValueKind.Array, verification.GetProperty("evidence").ValueKind);
        Assert.Equal(JsonValueKind.String, verification.GetProperty("reasoning").ValueKind);

        var proxied = (await feed.WaitForAsync("audit_complete", p => p.GetProperty("request_id").GetString() == proxiedId))
            .GetProperty("payload");
        Assert.Equal("gpt-4o-mini", proxied.GetProperty("model").GetString());

        var failed = await feed.WaitForAsync("audit_failed", p => p.GetProperty("request_id").GetString() == skippedId);
        AssertEnvelope(failed, "audit_failed");
        Assert.Equal("upstream_status", failed.GetProperty("payload").GetProperty("reason").GetString());
        Assert.True(failed.GetProperty("payload").GetProperty("skipped").GetBoolean());
        Assert.Contains("500", failed.GetProperty("payload").GetProperty("error").GetString());

        // Health and stats come every Hub:StatsInterval; this one counts the three outcomes above.
        var stats = (await feed.WaitForAsync("stats_update", p => p.GetProperty("total_audits").GetInt64() >= 3)).GetProperty("payload");
        Assert.True(stats.GetProperty("successful_audits").GetInt64() >= 2);
        Assert.Equal(0, stats.GetProperty("failed_audits").GetInt64());
        Assert.InRange(stats.GetProperty("average_score").GetDouble(), 0, 1);
        Assert.True(stats.GetProperty("average_time_ms").GetDouble() >= 0);

        var health = await feed.WaitForAsync("health_update");
        AssertEnvelope(health, "health_update");
        Assert.Equal("healthy", health.GetProperty("payload").GetProperty("audit_service").GetString());
        Assert.True(health.GetProperty("payload").GetProperty("queue_depth").GetInt32() >= 0);
        Assert.Equal(1, health.GetProperty("payload").GetProperty("connections").GetInt32()); // this socket
    }

    [Fact]
    public async Task ApiWs_Connect_ReceivesTheSameFeed()
    {
        await using var feed = await WebSocketFeedClient.ConnectAsync(Server.BaseAddress, "/api/ws");

        var stats = await feed.WaitForAsync("stats_update");

        AssertEnvelope(stats, "stats_update");
        Assert.Equal(0, stats.GetProperty("payload").GetProperty("total_audits").GetInt64());
    }

    [Theory]
    [InlineData("/ws")]
    [InlineData("/api/ws")]
    public async Task Ws_PlainHttpGet_Returns400ProblemAndIsNotProxied(string path)
    {
        using var http = Server.CreateHttpClient();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Ws_ClientMessageOverReadLimit_ClosesWithMessageTooBig()
    {
        await using var feed = await WebSocketFeedClient.ConnectAsync(Server.BaseAddress);
        var limit = new AuditWebSocketOptions().MaxReceiveMessageBytes;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await feed.Socket.SendAsync(new byte[limit + 1024], WebSocketMessageType.Text, endOfMessage: true, cts.Token);
        while (await feed.ReceiveAsync(cts.Token) is not null)
        {
            // health and stats frames may come first
        }

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, feed.Socket.CloseStatus);
    }

    [Fact]
    public async Task Ws_ClientMessageUnderReadLimit_IsIgnoredAndTheFeedGoesOn()
    {
        await using var feed = await WebSocketFeedClient.ConnectAsync(Server.BaseAddress);
        await feed.WaitForAsync("health_update");

        await feed.Socket.SendAsync("""{"type":"ping"}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var before = feed.Seen.Count;
        await feed.WaitForAsync("health_update", _ => feed.Seen.Count > before);

        Assert.Equal(WebSocketState.Open, feed.Socket.State);
    }

    private static void AssertEnvelope(JsonElement frame, string type)
    {
        Assert.Equal(type, frame.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Object, frame.GetProperty("payload").ValueKind);
        var timestamp = DateTimeOffset.Parse(frame.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    private static async Task<string> ProxyChatAsync(HttpClient http, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = "gpt-4o-mini",
                messages = new[]
                {
                    new { role = "system", content = "Amsterdam is the capital of the Netherlands." },
                    new { role = "user", content = "What is the capital of the Netherlands?" },
                },
            }),
        };
        request.Headers.Add(FakeOpenAiUpstream.StatusHeader, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        return response.Headers.GetValues(AuditHubPaths.RequestIdHeader).Single();
    }
}
