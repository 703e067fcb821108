using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.History;

/// <summary>Real hosts started, stopped and started again over the same history file.</summary>
public sealed class HistoryRestartTests : IAsyncLifetime
{
    private readonly HistoryServerCalls.TempFolder _folder = new();
    private FakeOpenAiUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeOpenAiUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _folder.Dispose();
    }

    private Task<TruthTableServer> StartAsync(string path, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["History:Path"] = path };
        return TruthTableServer.StartAsync(_upstream.BaseAddress, all);
    }

    private static async Task<JsonElement?> GetAuditAsync(TruthTableServer server, string requestId)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.GetAsync($"/api/audits/{requestId}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Restart_AuditCompletedBeforeCleanStop_ReadableAfterwards()
    {
        var path = _folder.File("restart.db");
        // A batch window longer than the test: the row is still waiting when the host stops, so only the
        // flush on stop can have written it.
        var slowBatches = new Dictionary<string, string?> { ["History:BatchWindow"] = "00:00:05", ["History:BatchSize"] = "10000" };
        AuditCompleteEvent complete;
        await using (var first = await StartAsync(path, slowBatches))
        {
            complete = await first.AuditDirectlyAsync("survivor-1");
        }

        await using var second = await StartAsync(path);
        var stored = await GetAuditAsync(second, "survivor-1");

        Assert.NotNull(stored);
        Assert.Equal(complete.Grade, stored.Value.GetProperty("grade").GetString());
        Assert.Equal(complete.TrustScore, stored.Value.GetProperty("trustScore").GetDouble());
        Assert.Equal(complete.AuditId, stored.Value.GetProperty("auditId").GetString());
    }

    [Fact]
    public async Task SubscribeToRequest_AfterRestart_ReturnsStoredCompleteAndSkip()
    {
        var path = _folder.File("subscribe.db");
        AuditCompleteEvent complete;
        await using (var first = await StartAsync(path))
        {
            complete = await first.AuditDirectlyAsync("late-complete", answer: "Lyon is the capital of France.");
            await using var caller = await first.ConnectHubAsync();
            var events = new EventRecorder(caller);
            await caller.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "late-skip");
            using var http = first.CreateHttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"gpt-test","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(AuditHubPaths.RequestIdHeader, "late-skip");
            request.Headers.Add(FakeOpenAiUpstream.StatusHeader, "500");
            using var response = await http.SendAsync(request);
            await events.WaitForAsync<AuditFailedEvent>(e => e.RequestId == "late-skip");
        }

        await using var second = await StartAsync(path);
        await using var late = await second.ConnectHubAsync();
        var completeState = await late.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "late-complete");
        var skipState = await late.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "late-skip");
        var unknown = await late.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "late-unknown");

        Assert.NotNull(completeState);
        Assert.Equal(AuditState.StatusComplete, completeState.Status);
        Assert.Equal((complete.Grade, complete.TrustScore, complete.HallucinationDetected, complete.AuditId),
            (completeState.Complete!.Grade, completeState.Complete.TrustScore, completeState.Complete.HallucinationDetected, completeState.Complete.AuditId));
        Assert.Equal(complete.Verifications.Select(v => (v.Claim, v.Status)), completeState.Complete.Verifications.Select(v => (v.Claim, v.Status)));
        Assert.NotNull(completeState.Started);
        Assert.NotNull(skipState);
        Assert.Equal(AuditState.StatusFailed, skipState.Status);
        Assert.Equal(("upstream_status", true), (skipState.Failed!.Reason, skipState.Failed.Skipped));
        Assert.Null(unknown);
    }

    [Fact]
    public async Task Stop_AuditsStillQueued_ShutdownFailuresAreStoredToo()
    {
        var path = _folder.File("shutdown.db");
        var ids = Enumerable.Range(0, 5).Select(i => $"queued-{i}").ToArray();
        await using (var first = await StartAsync(path, new Dictionary<string, string?>
        {
            // An engine that refuses connections keeps the one worker busy retrying while the others wait.
            ["Audit:Endpoint"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Audit:Workers"] = "1",
            ["Audit:ShutdownTimeout"] = "00:00:00",
        }))
        {
            using var http = first.CreateHttpClient();
            foreach (var id in ids)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/audits")
                {
                    Content = JsonContent.Create(new { query = "q", response = "Paris is in France.", context = new[] { "Paris is in France." } }),
                };
                request.Headers.Add(AuditHubPaths.RequestIdHeader, id);
                Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(request)).StatusCode);
            }
        }

        await using var second = await StartAsync(path);
        var reasons = new List<string>();
        foreach (var id in ids)
        {
            var stored = await GetAuditAsync(second, id);
            Assert.True(stored.HasValue, $"{id} has no stored outcome");
            Assert.Equal("failed", stored.Value.GetProperty("outcome").GetString());
            reasons.Add(stored.Value.GetProperty("reason").GetString()!);
        }

        Assert.Contains("shutdown", reasons);
    }

    [Fact]
    public async Task Start_CorruptHistoryFile_StopsWithMessageNamingThePath()
    {
        var path = _folder.File("corrupt.db");
        await File.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("this is not a database ", 400))));
        await using var server = new TruthTableServer(_upstream.BaseAddress, new Dictionary<string, string?> { ["History:Path"] = path });

        var error = Assert.ThrowsAny<Exception>(() => server.StartServer());

        Assert.Contains(path, error.Message);
        Assert.Contains("cannot be used", error.Message);
        Assert.StartsWith("this is not a database", Encoding.ASCII.GetString(await File.ReadAllBytesAsync(path))); // left as it was
    }

    [Fact]
    public async Task ProxiedChat_AuthorizationHeader_NeverReachesTheHistoryFile()
    {
        const string secret = "sk-test-HISTORY-SECRET-4242";
        var path = _folder.File("secrets.db");
        await using (var server = await StartAsync(path))
        {
            await using var caller = await server.ConnectHubAsync();
            var events = new EventRecorder(caller);
            await caller.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "secret-1");
            using var http = server.CreateHttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""
                    {"model":"gpt-test","messages":[
                      {"role":"system","content":"Amsterdam is the capital of the Netherlands."},
                      {"role":"user","content":"Which city is the Dutch capital, quokka?"}]}
                    """, Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + secret);
            request.Headers.Add(AuditHubPaths.RequestIdHeader, "secret-1");
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
            await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == "secret-1");
            await server.FlushHistoryAsync();
        }

        var bytes = string.Concat(new[] { "", "-wal", "-shm" }.Select(s => path + s).Where(File.Exists)
            .Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        Assert.Contains("quokka", bytes); // the exchange's text is there...
        Assert.DoesNotContain(secret, bytes); // ...its credentials are not
        Assert.DoesNotContain("Bearer", bytes);
    }

    [Fact]
    public async Task HardKill_AfterBatchCommitted_FilesOnDiskHoldTheOutcome()
    {
        var path = _folder.File("live.db");
        var copy = _folder.File("killed.db");
        await using (var server = await StartAsync(path))
        {
            await server.AuditDirectlyAsync("committed-1");
            await server.FlushHistoryAsync();
            // The files as a killed process would leave them: the database and its WAL, copied while still open.
            File.Copy(path, copy);
            if (File.Exists(path + "-wal"))
            {
                File.Copy(path + "-wal", copy + "-wal");
            }
        }

        await using var restarted = await StartAsync(copy);

        Assert.NotNull(await GetAuditAsync(restarted, "committed-1"));
    }
}
