using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;

namespace TruthTable.Bench.FanOut;

/// <summary>
/// Reads the pipeline's running totals from the feed: the next StatsUpdate, optionally after a HealthUpdate showed
/// an empty audit queue (so the backlog of one run does not eat the CPU of the next).
/// </summary>
public static class StatsProbe
{
    public static async Task RunAsync(Uri url, bool waitDrain)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stats = new TaskCompletionSource<StatsUpdateEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var depth = -1;
        await using var connection = await FeedConnections.OpenAsync(url, messagePack: false, c =>
        {
            c.On<HealthUpdateEvent>(nameof(IAuditClient.HealthUpdate), e =>
            {
                depth = e.QueueDepth;
                if (e.QueueDepth == 0)
                {
                    drained.TrySetResult();
                }
            });
            c.On<StatsUpdateEvent>(nameof(IAuditClient.StatsUpdate), e =>
            {
                if (!waitDrain || drained.Task.IsCompleted)
                {
                    stats.TrySetResult(e);
                }
            });
        }, nameof(IAuditClient.HealthUpdate), nameof(IAuditClient.StatsUpdate));
        var result = await stats.Task.WaitAsync(TimeSpan.FromSeconds(waitDrain ? 300 : 30));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "stats",
            total = result.TotalAudits,
            successful = result.SuccessfulAudits,
            failed = result.FailedAudits,
            skipped = result.Skipped,
            averageTimeMs = result.AverageTimeMs,
            queueDepth = depth,
        }));
    }
}
