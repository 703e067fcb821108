using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;
using TruthTable.Core.History;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.History;

/// <summary>Steps the history's end-to-end tests share: a direct audit awaited on the hub, a history flush, a temp folder.</summary>
internal static class HistoryServerCalls
{
    /// <summary>Posts a direct audit under <paramref name="requestId"/> and returns once its AuditComplete reached a real hub client.</summary>
    public static async Task<AuditCompleteEvent> AuditDirectlyAsync(
        this TruthTableServer server, string requestId, string answer = "Paris is the capital of France.")
    {
        await using var connection = await server.ConnectHubAsync();
        var events = new EventRecorder(connection);
        await connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), requestId);
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/audits")
        {
            Content = JsonContent.Create(new
            {
                query = "What is the capital of France?",
                response = answer,
                context = new[] { "Paris is the capital of France." },
                model = "direct-model",
            }),
        };
        request.Headers.Add(AuditHubPaths.RequestIdHeader, requestId);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
        return await events.WaitForAsync<AuditCompleteEvent>(e => e.RequestId == requestId);
    }

    /// <summary>Waits until every outcome raised so far is committed to the server's history file.</summary>
    public static async Task FlushHistoryAsync(this TruthTableServer server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await server.GetService<HistoryQueue>().FlushAsync(timeout.Token);
    }

    /// <summary>A folder for one test's history file(s), deleted with it.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("truthtable-history-e2e-").FullName;

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path, recursive: true);
        }
    }
}
