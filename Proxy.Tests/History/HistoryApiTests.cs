using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.History;

/// <summary>One real host for the class: GET /api/audits, /api/audits/{requestId} and /api/stats over HTTP.</summary>
public sealed class HistoryApiFixture : IAsyncLifetime
{
    public const int QueueCapacity = 777;

    public FakeOpenAiUpstream Upstream { get; private set; } = null!;
    public TruthTableServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await FakeOpenAiUpstream.StartAsync();
        Server = await TruthTableServer.StartAsync(Upstream.BaseAddress, new Dictionary<string, string?>
        {
            ["History:QueueCapacity"] = QueueCapacity.ToString(),
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}

public sealed class HistoryApiTests(HistoryApiFixture fixture) : IClassFixture<HistoryApiFixture>
{
    private readonly TruthTableServer _server = fixture.Server;

    private async Task<JsonElement> GetJsonAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var http = _server.CreateHttpClient();
        using var response = await http.GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] RequestIds(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()!).ToArray();

    /// <summary>Outcomes raised through the host's real event source (as the pipeline raises them), then committed.</summary>
    private async Task RaiseAsync(params AuditEventEnvelope[] envelopes)
    {
        var events = _server.GetService<AuditEventBroadcaster>();
        foreach (var envelope in envelopes)
        {
            switch (envelope.Event)
            {
                case AuditCompleteEvent complete:
                    events.Complete(complete, envelope.Details);
                    break;
                case AuditFailedEvent failed:
                    events.Failed(failed, envelope.Details);
                    break;
            }
        }

        await _server.FlushHistoryAsync();
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=5&limit=6", "limit")]
    [InlineData("before=not-a-cursor", "before")]
    [InlineData("before=AQAAAAAAAAAA", "before")]
    [InlineData("grade=E", "grade")]
    [InlineData("grade=AA", "grade")]
    [InlineData("hallucinated=yes", "hallucinated")]
    [InlineData("q=%3F%3F%21", "q")]
    public async Task GetAudits_BadParameter_400ProblemNamingIt(string queryString, string parameter)
    {
        using var http = _server.CreateHttpClient();
        using var response = await http.GetAsync("/api/audits?" + queryString);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal([parameter], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains(parameter, errors.GetProperty(parameter)[0].GetString());
    }

    [Fact]
    public async Task GetAudits_LongModelAndText_400NamingBoth()
    {
        var problem = await GetJsonAsync($"/api/audits?model={new string('m', 201)}&q={new string('w', 201)}&limit=50", HttpStatusCode.BadRequest);

        Assert.Equal(["model", "q"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
    }

    [Fact]
    public async Task GetAudits_EmptyValues_TreatedAsNotGiven()
    {
        var page = await GetJsonAsync("/api/audits?limit=&grade=&hallucinated=&model=&q=&before=");

        Assert.Equal(JsonValueKind.Array, page.GetProperty("items").ValueKind);
    }

    [Theory]
    [InlineData("window=1y")]
    [InlineData("window=0h")]
    [InlineData("window=90")]
    [InlineData("window=400d")]
    [InlineData("window=1h&window=2h")]
    public async Task GetStats_BadWindow_400ProblemNamingWindow(string queryString)
    {
        var problem = await GetJsonAsync("/api/stats?" + queryString, HttpStatusCode.BadRequest);

        Assert.Equal(["window"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task GetAudit_UnknownRequestId_404Problem()
    {
        using var http = _server.CreateHttpClient();
        using var response = await http.GetAsync("/api/audits/never-seen-1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("never-seen-1", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GetAudit_InvalidRequestId_400NamingRequestId()
    {
        var problem = await GetJsonAsync("/api/audits/bad%20id%21", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("requestId", out _));
    }

    [Fact]
    public async Task DirectAudit_Completed_ListedWithDashboardFieldsAndStoredInFull()
    {
        var complete = await _server.AuditDirectlyAsync("hist-api-direct");
        await _server.FlushHistoryAsync();

        var page = await GetJsonAsync("/api/audits?model=direct-model&limit=500");
        var row = page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("requestId").GetString() == "hist-api-direct");
        Assert.Equal("complete", row.GetProperty("outcome").GetString());
        Assert.Equal(complete.Grade, row.GetProperty("grade").GetString());
        Assert.Equal(complete.TrustScore, row.GetProperty("trustScore").GetDouble());
        Assert.Equal(complete.Verdict, row.GetProperty("verdict").GetString());
        Assert.Equal(complete.HallucinationDetected, row.GetProperty("hallucinationDetected").GetBoolean());
        Assert.Equal((complete.SupportedClaims, complete.TotalClaims), (row.GetProperty("supportedClaims").GetInt32(), row.GetProperty("totalClaims").GetInt32()));
        Assert.Equal(complete.Timestamp, row.GetProperty("timestamp").GetInt64());
        Assert.True(row.GetProperty("latencyMs").GetInt64() >= 0);
        Assert.Equal("/api/audits", row.GetProperty("route").GetString());

        var detail = await GetJsonAsync("/api/audits/hist-api-direct");
        Assert.Equal("What is the capital of France?", detail.GetProperty("question").GetString());
        Assert.Equal("Paris is the capital of France.", detail.GetProperty("answer").GetString());
        Assert.Equal("Paris is the capital of France.", detail.GetProperty("context")[0].GetProperty("content").GetString());
        var claim = detail.GetProperty("claims")[0];
        Assert.Equal(complete.Verifications[0].Status, claim.GetProperty("status").GetString());
        Assert.Equal(complete.Verifications[0].Evidence, claim.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(complete.AuditId, detail.GetProperty("auditId").GetString());
        Assert.False(detail.TryGetProperty("id", out _));
    }

    [Fact]
    public async Task GetAudits_EachFilterOverHttp_OnlyMatchingRows()
    {
        const string model = "filter-model";
        await RaiseAsync(
            HistoryEvents.Complete("flt-a", grade: "A", model: model, answer: "Gouda is famous for its cheese."),
            HistoryEvents.Complete("flt-f", grade: "F", score: 0.1, hallucinated: true, model: model, answer: "Edam is the capital of France."),
            HistoryEvents.Complete("flt-other", grade: "F", hallucinated: true, model: "another-model", answer: "Edam is in Spain."));

        Assert.Equal(["flt-f", "flt-a"], RequestIds(await GetJsonAsync($"/api/audits?model={model}")));
        Assert.Equal(["flt-f"], RequestIds(await GetJsonAsync($"/api/audits?model={model}&grade=f")));
        Assert.Equal(["flt-a"], RequestIds(await GetJsonAsync($"/api/audits?model={model}&hallucinated=false")));
        Assert.Equal(["flt-other", "flt-f"], RequestIds(await GetJsonAsync("/api/audits?q=edam")));
        Assert.Equal(["flt-f"], RequestIds(await GetJsonAsync("/api/audits?q=Edam%20France&hallucinated=true")));
        Assert.Equal(["flt-a"], RequestIds(await GetJsonAsync("/api/audits?q=gouda&grade=A")));
    }

    [Fact]
    public async Task GetAudits_PagesWhileAuditsArrive_NeitherSkipsNorRepeats()
    {
        const string model = "paging-model";
        await RaiseAsync(Enumerable.Range(0, 23).Select(i => HistoryEvents.Complete($"pg-{i:00}", model: model)).ToArray());

        var seen = new List<string>();
        var url = $"/api/audits?model={model}&limit=5";
        for (var page = 1; ; page++)
        {
            var json = await GetJsonAsync(url);
            seen.AddRange(RequestIds(json));
            await RaiseAsync(Enumerable.Range(0, 3).Select(i => HistoryEvents.Complete($"pg-new-{page}-{i}", model: model)).ToArray());
            if (json.GetProperty("nextCursor").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            url = $"/api/audits?model={model}&limit=5&before={json.GetProperty("nextCursor").GetString()}";
        }

        Assert.Equal(Enumerable.Range(0, 23).Reverse().Select(i => $"pg-{i:00}"), seen);
    }

    [Fact]
    public async Task GetStats_DefaultWindow_ReportsTheHourWithCountsByOutcome()
    {
        var before = await GetJsonAsync("/api/stats");
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await RaiseAsync(
            HistoryEvents.Complete("st-1", hallucinated: true, timestamp: now),
            HistoryEvents.Failed("st-2", timestamp: now),
            HistoryEvents.Failed("st-3", reason: "too_large", skipped: true, timestamp: now),
            HistoryEvents.Complete("st-old", timestamp: now - 2 * 3_600_000));

        var after = await GetJsonAsync("/api/stats?window=1h");

        Assert.Equal("1h", after.GetProperty("window").GetString());
        long Delta(string name) => after.GetProperty(name).GetInt64() - before.GetProperty(name).GetInt64();
        Assert.Equal((3L, 1L, 1L, 1L, 1L), (Delta("total"), Delta("complete"), Delta("failed"), Delta("skipped"), Delta("hallucinated")));
        Assert.Equal(3_600_000, after.GetProperty("to").GetInt64() - after.GetProperty("from").GetInt64());
    }

    [Fact]
    public async Task HealthUpdate_OnFeed_CarriesTheHistoryBacklog()
    {
        await using var feed = await _server.ConnectHubAsync();
        var events = new EventRecorder(feed);
        await feed.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));

        var health = await events.WaitForAsync<HealthUpdateEvent>(e => e.History is not null);

        Assert.Equal(HistoryApiFixture.QueueCapacity, health.History!.Capacity);
        Assert.Equal(0, health.History.Dropped);
    }
}
