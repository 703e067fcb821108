using Microsoft.AspNetCore.SignalR;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EndToEnd;

public sealed class DirectAuditApiTests : LiveServerTest
{

    [Fact]
    public async Task PostAudit_ValidBody_202WithRequestIdAndAuditCompleteOnFeed()
    {
        var (feed, events) = await Server.ConnectFeedAsync();
        await using var _ = feed;
        using var http = Server.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/api/audits", new
        {
            query = "When did Apollo 11 land?",
            response = "Apollo 11 landed on the Moon in 1969.",
            context = new object[] { "Apollo 11 landed on the Moon on July 20, 1969.", new { id = "doc-2", content = "Neil Armstrong was the commander." } },
            model = "manual",
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        Assert.Equal(requestId, response.Headers.GetValues(AuditHubPaths.RequestIdHeader).Single());
        var complete = await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == requestId);
        Assert.Equal("manual", complete.Model);
        Assert.False(complete.HallucinationDetected);
    }

    [Fact]
    public async Task PostAudit_WrongYear_FlagsHallucination()
    {
        var (feed, events) = await Server.ConnectFeedAsync();
        await using var _ = feed;
        using var http = Server.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/api/audits", new
        {
            query = "When did Apollo 11 land?",
            response = "Apollo 11 landed on the Moon in 1972.",
            context = new[] { "Apollo 11 landed on the Moon on July 20, 1969." },
        });
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;

        var complete = await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == requestId);
        Assert.True(complete.HallucinationDetected);
    }

    [Theory]
    [InlineData("""{"response":"a"}""", "query")]
    [InlineData("""{"query":"q","response":""}""", "response")]
    [InlineData("""{"query":"q","response":"a","context":"not an array"}""", "context")]
    [InlineData("""{"query":"q","response":"a","context":[42]}""", "context[0]")]
    [InlineData("""{"query":5,"response":"a"}""", "query")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""{"query":""", "body")]
    public async Task PostAudit_InvalidBody_400ProblemNamingTheField(string body, string field)
    {
        using var http = Server.CreateHttpClient();
        using var response = await http.PostAsync("/api/audits", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task Health_LiveAndReady_200()
    {
        using var http = Server.CreateHttpClient();
        using var live = await http.GetAsync("/health");
        using var ready = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var readiness = await ready.Content.ReadAsStringAsync();
        Assert.Contains("\"circuit\":\"closed\"", readiness);
        Assert.Contains("\"auditsAtProxyPriority\":", readiness); // the embedded engine's lowered threads are in use
    }

    [Fact]
    public async Task Feed_ReceivesPeriodicHealthAndStats()
    {
        var (feed, events) = await Server.ConnectFeedAsync();
        await using var _ = feed;

        var health = await events.WaitForAsync<HealthUpdateEvent>();
        var stats = await events.WaitForAsync<StatsUpdateEvent>();

        Assert.Equal(("healthy", "closed"), (health.AuditService, health.CircuitState));
        Assert.True(health.Connections >= 1);
        Assert.Equal(1000, health.QueueCapacity);
        Assert.True(stats.Timestamp > 0);
    }

    [Fact]
    public async Task SubscribeToRequest_InvalidId_HubErrorNamingTheRule()
    {
        await using var connection = await Server.ConnectHubAsync();
        var error = await Assert.ThrowsAsync<HubException>(() =>
            connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "bad id with spaces"));
        Assert.Contains("requestId", error.Message);
    }
}
