using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Core.Configuration;

namespace TruthTable.Core.Pipeline;

/// <summary>
/// Drains the <see cref="AuditQueue"/> with <see cref="AuditOptions.Workers"/> concurrent workers. On shutdown it
/// stops taking jobs, drains for up to <see cref="AuditOptions.ShutdownTimeout"/>, then cancels what is in flight
/// and fails what is left with reason shutdown. While the cores are busy (<see cref="SpareCapacityGate"/>) a worker
/// waits before a job: <see cref="ShortQueuePause"/> before an exchange captured from the proxy while the queue is
/// short, up to <see cref="AuditOptions.MaxHold"/> before any job once it is at least half full; not while draining.
/// </summary>
public sealed partial class AuditWorkerPool(
    AuditQueue queue,
    AuditJobProcessor processor,
    SpareCapacityGate capacity,
    IOptions<AuditOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditWorkerPool> logger) : IHostedService, IDisposable
{
    /// <summary>How long a worker pauses before a job while the cores are busy and its queue is short.</summary>
    public static readonly TimeSpan ShortQueuePause = SpareCapacityGate.ProbeInterval;

    private readonly CancellationTokenSource _abort = new();
    private Task[] _workers = [];
    private readonly CancellationTokenSource _draining = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _workers = Enumerable.Range(0, options.Value.Workers)
            .Select(_ => Task.Run(() => RunWorkerAsync(_abort.Token), CancellationToken.None))
            .ToArray();
        return Task.CompletedTask;
    }

    private async Task RunWorkerAsync(CancellationToken abort)
    {
        try
        {
            while (await queue.WaitToReadAsync(abort))
            {
                await WaitForSpareCapacityAsync();

                if (queue.TryDequeue(out var job))
                {
                    await processor.ProcessAsync(job, abort);
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown after the drain window; the pool fails what is left.
        }
    }

    private async ValueTask WaitForSpareCapacityAsync()
    {
        if (_draining.IsCancellationRequested)
        {
            return; // what is queued is audited now, spare capacity or not
        }

        // A short queue means audits keep up, but not that they are cheap: the embedded engine in process kept up
        // with a saturated proxy by taking two thirds of the cores. So while the cores are busy a worker pauses
        // before an exchange captured from the proxy, briefly while the queue is short (a couple of hundred audits
        // a second per worker at most), up to MaxHold once it is backed up. Direct audits from the API wait only
        // for a backed-up queue: with no proxied traffic the busy cores are likely their own.
        var queueShort = queue.Depth < queue.Capacity / 2;
        if (queueShort && !queue.NextIsCaptured)
        {
            return;
        }

        var maxHold = queueShort ? ShortQueuePause : options.Value.MaxHold;
        try
        {
            await capacity.WaitForSpareCapacityAsync(maxHold, _draining.Token);
        }
        catch (OperationCanceledException) when (_draining.IsCancellationRequested)
        {
            // Draining: what is queued is audited now, spare capacity or not.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _draining.CancelAsync();
        queue.Complete();
        var drained = Task.WhenAll(_workers);
        var left = options.Value.ShutdownTimeout;
        try
        {
            await drained.WaitAsync(left, timeProvider, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Log.DrainTimedOut(logger, queue.Depth);
            await _abort.CancelAsync();
            await drained;
        }

        var failed = 0;
        while (queue.TryDequeue(out var job))
        {
            using (job)
            {
                processor.Fail(job, FailureReasons.Shutdown,
                    "The host stopped before this exchange could be audited.");
                failed++;
            }
        }

        if (failed > 0)
        {
            Log.FailedOnShutdown(logger, failed);
        }
    }

    // Cancels rather than disposes, as BackgroundService does: a host may still call StopAsync after disposing its
    // services (seen once in CI, as an ObjectDisposedException from StopAsync), and neither token source holds a
    // timer or registrations that need releasing.
    public void Dispose()
    {
        _draining.Cancel();
        _abort.Cancel();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Audit queue not drained in time; cancelling in-flight audits ({Depth} queued)")]
        public static partial void DrainTimedOut(ILogger logger, int depth);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "{Count} queued audits failed with reason shutdown")]
        public static partial void FailedOnShutdown(ILogger logger, int count);
    }
}
