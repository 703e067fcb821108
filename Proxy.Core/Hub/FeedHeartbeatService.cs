using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Auditing;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;
using TruthTable.Core.Pipeline;

namespace TruthTable.Core.Hub;

/// <summary>Every <see cref="AuditHubOptions.StatsInterval"/>: checks the audit service and raises HealthUpdate and StatsUpdate.</summary>
public sealed class FeedHeartbeatService(
    AuditServiceHealth health,
    PipelineStats stats,
    AuditEventBroadcaster events,
    IOptions<AuditHubOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatsInterval, timeProvider);
        try
        {
            // The embedded engine listens only once the server has started; a host that fails to start (its port
            // taken) is disposed unstopped, which must not read as a crash of this service.
            await WhenStartedAsync(lifetime.ApplicationStarted, stoppingToken);
            do
            {
                events.Health(await health.CheckAsync(stoppingToken));
                events.Stats(stats.Snapshot());
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static async Task WhenStartedAsync(CancellationToken started, CancellationToken stoppingToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = started.Register(() => signal.TrySetResult());
        await signal.Task.WaitAsync(stoppingToken);
    }
}
