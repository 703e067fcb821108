using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.EndToEnd;

public sealed class HubDeliveryTests
{
    [Fact]
    public async Task Client_InFeedAndRequestGroup_ReceivesEachEventOnce()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress);
        await using var connection = await server.ConnectHubAsync();
        var events = new EventRecorder(connection);
        await connection.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));
        await connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "both-1");
        await server.PostDirectAuditAsync("both-1", new { query = "q", response = "Paris is in France.", context = new[] { "Paris is in France." } });
        await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == "both-1");

        // A second audit after the first one: once its result is here, any duplicate of the first would be too.
        using var http = server.CreateHttpClient();
        using var second = await http.PostAsJsonAsync("/api/audits", new { query = "q", response = "Oslo is in Norway.", context = new[] { "Oslo is in Norway." } });
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString();
        await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == secondId);

        Assert.Single(events.Seen.OfType<AuditCompleteEvent>(), e => e.RequestId == "both-1");
        Assert.Single(events.Seen.OfType<AuditStartedEvent>(), e => e.RequestId == "both-1");
    }

    [Fact]
    public async Task Client_LeavesFeed_StillReceivesWatchedRequest()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress);
        await using var connection = await server.ConnectHubAsync();
        var events = new EventRecorder(connection);
        await connection.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));
        await connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "watched-1");
        await connection.InvokeAsync(nameof(IAuditHub.UnsubscribeFromFeed));
        using var http = server.CreateHttpClient();

        using var other = await http.PostAsJsonAsync("/api/audits", new { query = "q", response = "Oslo is in Norway." });
        await server.PostDirectAuditAsync("watched-1", new { query = "q", response = "Paris is in France.", context = new[] { "Paris is in France." } });

        await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == "watched-1");
        var otherId = (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString();
        Assert.DoesNotContain(events.Seen.OfType<AuditCompleteEvent>(), e => e.RequestId == otherId);
    }

    [Fact]
    public async Task SubscribeToRequest_OverThePerConnectionLimit_RefusedWithTheRule_SameIdStillFine()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var server = await TruthTableServer.StartAsync(upstream.BaseAddress);
        await using var connection = await server.ConnectHubAsync();
        for (var i = 0; i < TruthTable.Core.Hub.AuditHub.MaxWatchedRequestsPerConnection; i++)
        {
            await connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), $"limit-{i}");
        }

        var refused = await Assert.ThrowsAsync<HubException>(
            () => connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "one-too-many"));
        await connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "limit-0");
        await connection.InvokeAsync(nameof(IAuditHub.UnsubscribeFromRequest), "limit-1");
        await connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), "one-too-many");

        Assert.Contains("at most 1000 request ids", refused.Message);
        Assert.Equal(1000, server.GetService<TruthTable.Core.Hub.HubSubscribers>().WatchedRequestCount);
    }
}
