using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EndToEnd;

/// <summary>
/// .NET clients may use SignalR's MessagePack protocol instead of JSON. Every event and the hub's return value must
/// arrive with the same content either way: the contracts are records with init-only and constructor properties,
/// which MessagePack's contractless resolver binds differently from System.Text.Json.
/// </summary>
public sealed class MessagePackClientTests
{
    private const string Context = "Amsterdam is the capital of the Netherlands. It has about 900,000 inhabitants.";
    // One supported claim, one contradicted, one the context says nothing about: verifications with and without evidence.
    private const string Answer =
        "Amsterdam is the capital of the Netherlands. Amsterdam has about 2 million inhabitants. Amsterdam hosts a famous flower market.";

    [Fact]
    public async Task FeedEvents_AndFinalState_AreTheSameAsOverJson()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress);
        await using var json = await server.ConnectHubAsync();
        await using var messagePack = await server.ConnectHubAsync(messagePack: true);
        var jsonEvents = new EventRecorder(json);
        var messagePackEvents = new EventRecorder(messagePack);
        await json.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));
        await messagePack.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));

        await server.PostDirectAuditAsync("pack-1", new { query = "Tell me about Amsterdam.", response = Answer, context = new[] { Context }, model = "m-1" });

        var viaJson = await jsonEvents.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == "pack-1");
        var viaMessagePack = await messagePackEvents.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == "pack-1");
        Assert.Equal(3, viaJson.TotalClaims);
        Assert.Contains(viaJson.Verifications, v => v.Evidence.Count > 0);
        Assert.NotEmpty(viaJson.StepTimings);
        AssertSameContent(viaJson, viaMessagePack);
        AssertSameContent(
            await jsonEvents.WaitForAsync<AuditStartedEvent>(e => e.RequestId == "pack-1"),
            await messagePackEvents.WaitForAsync<AuditStartedEvent>(e => e.RequestId == "pack-1"));

        var health = await messagePackEvents.WaitForAsync<HealthUpdateEvent>(e => e.History is not null);
        Assert.True(health.QueueCapacity > 0);
        Assert.Equal(2, health.Connections);
        var stats = await messagePackEvents.WaitForAsync<StatsUpdateEvent>(e => e.TotalAudits >= 1);
        Assert.Equal(1, stats.SuccessfulAudits);

        // The hub's return value: a late subscriber gets the final state, nested records and all.
        var stateViaJson = await json.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "pack-1");
        var stateViaMessagePack = await messagePack.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "pack-1");
        Assert.Equal(AuditState.StatusComplete, stateViaMessagePack?.Status);
        Assert.NotNull(stateViaMessagePack?.Complete);
        AssertSameContent(stateViaJson, stateViaMessagePack);
    }

    [Fact]
    public async Task SkippedExchange_ArrivesAsAuditFailed()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress);
        await using var caller = await server.ConnectHubAsync(messagePack: true);
        var events = new EventRecorder(caller);
        await caller.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "pack-503");
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(AuditHubPaths.RequestIdHeader, "pack-503");
        request.Headers.Add(FakeOpenAiUpstream.StatusHeader, "503");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var skipped = await events.WaitForAsync<AuditFailedEvent>(e => e.RequestId == "pack-503");
        Assert.Equal(("upstream_status", true), (skipped.Reason, skipped.Skipped));
        Assert.NotEqual(0, skipped.Timestamp);
    }

    /// <summary>Records holding lists compare by reference; their JSON shows every field and element.</summary>
    private static void AssertSameContent<T>(T expected, T actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
}
