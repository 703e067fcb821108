using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TruthTable.Contracts;
using TruthTable.Core.Events;
using TruthTable.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TruthTable.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium (Proxy.Tests/Browser/dashboard.e2e.mjs), against the real host and a fake
/// upstream. The script drives the page; this test owns the host: it proxies chat requests and stops and
/// restarts the host on the same port when the script asks.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    // Set to 1 to refresh the committed docs/dashboard.png; otherwise the screenshot stays in the test output.
    private const string UpdateScreenshotVariable = "TRUTHTABLE_UPDATE_SCREENSHOT";
    private const string ProxiedModel = "gpt-4o-mini";

    [Fact]
    public async Task Dashboard_InChromium_ShowsLiveAuditsEscapesAnswersAndSurvivesAHostRestart()
    {
        var script = BrowserScript.Locate();
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        var server = await TruthTableServer.StartAsync(upstream.BaseAddress);
        var baseAddress = server.BaseAddress;
        var screenshot = Environment.GetEnvironmentVariable(UpdateScreenshotVariable) == "1"
            ? Path.Combine(BrowserScript.RepositoryRoot, "docs", "dashboard.png")
            : Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);

        try
        {
            var outcome = await script.RunAsync("dashboard.e2e.mjs", [baseAddress.ToString().TrimEnd('/'), screenshot],
                async message =>
                {
                    switch ((string?)message["op"])
                    {
                        case "proxy":
                            return await ProxyChatAsync(baseAddress, message);
                        case "stop":
                            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                            await server.DisposeAsync();
                            return new JsonObject { ["ok"] = true, ["stoppedInMs"] = stopwatch.ElapsedMilliseconds };
                        case "start":
                            // Same URL, so the page's automatic reconnect finds it.
                            server = await TruthTableServer.StartAsync(upstream.BaseAddress,
                                new Dictionary<string, string?> { ["Proxy:Url"] = baseAddress.ToString() });
                            return new JsonObject { ["ok"] = true };
                        case "burst":
                            return Burst(server, (int)message["count"]!);
                        default:
                            throw new InvalidOperationException($"Unknown op {message["op"]}.");
                    }
                },
                TimeSpan.FromMinutes(3));

            output.WriteLine(outcome.Log);
            Assert.True((string?)outcome.Result["result"] == "pass",
                $"The browser script failed: {outcome.Result["error"]}\nFailure screenshot: {outcome.Result["failureScreenshot"]}\n{outcome.Log}");
            Assert.True(new FileInfo(screenshot).Length > 10_000, $"No screenshot of the dashboard at {screenshot}.");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Raises many audits at once, straight from the event source, as a busy proxy would.</summary>
    private static JsonObject Burst(TruthTableServer server, int count)
    {
        var events = server.GetService<AuditEventBroadcaster>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            var requestId = $"burst-{i}";
            var score = (i % 10) / 9.0;
            events.Started(new AuditStartedEvent(requestId, "burst-model", 120, 0, now));
            events.Complete(new AuditCompleteEvent
            {
                RequestId = requestId,
                AuditId = $"audit-{i}",
                Model = "burst-model",
                TrustScore = score,
                HallucinationRate = 1 - score,
                Grade = score >= 0.9 ? "A" : score >= 0.6 ? "C" : "F",
                Verdict = score >= 0.9 ? "faithful" : "hallucinated",
                HallucinationDetected = score < 0.9,
                TotalClaims = 1,
                SupportedClaims = score >= 0.9 ? 1 : 0,
                UnsupportedClaims = score >= 0.9 ? 0 : 1,
                ContradictedClaims = 0,
                Verifications = [new ClaimVerificationDto($"Claim {i}.", score >= 0.9 ? "supported" : "unsupported", score >= 0.9, 0.8, [], "")],
                ReasoningTrace = "",
                StepTimings = new Dictionary<string, long>(),
                ProcessingTimeMs = 1,
                Timestamp = now,
            });
        }

        return new JsonObject { ["count"] = count, ["last"] = $"burst-{count - 1}" };
    }

    /// <summary>A chat completion through the proxy, with the context as the system message.</summary>
    private static async Task<JsonObject> ProxyChatAsync(Uri baseAddress, JsonObject message)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = ProxiedModel,
                messages = new[]
                {
                    new { role = "system", content = (string?)message["context"] },
                    new { role = "user", content = (string?)message["question"] },
                },
            }),
        };
        request.Headers.Add(FakeOpenAiUpstream.AnswerHeader, Uri.EscapeDataString((string)message["answer"]!));
        var status = (int?)message["status"] ?? 200;
        request.Headers.Add(FakeOpenAiUpstream.StatusHeader, status.ToString(CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        var requestId = response.Headers.GetValues(AuditHubPaths.RequestIdHeader).Single();
        return new JsonObject { ["requestId"] = requestId, ["model"] = ProxiedModel };
    }
}
