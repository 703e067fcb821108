namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// Threads of the embedded engine's own for in-process calls. An audit is synchronous CPU work, 65–160 ms for a long
/// answer: on a thread-pool thread it holds a thread the proxied requests need, and with both audit workers in such
/// audits a 2-core host's pool waited for the thread injection (64 KiB answers at saturation: p99 20–64 ms against
/// 7–11 ms over loopback gRPC, where Kestrel's I/O kept the pool moving). One thread per audit worker: the workers
/// bound how many calls wait here. The caller continues on the thread pool, not on these threads.
/// </summary>
/// <remarks>
/// An idle thread sleeps in <see cref="Monitor.Wait(object)"/>, which blocks at once. A BlockingCollection's take
/// spins before it blocks (SemaphoreSlim), and after each of 1,000 short audits a second that spinning was 12 % of the
/// process's CPU samples, more than the engine's own work.
/// </remarks>
public sealed class EngineThreads : IDisposable
{
    private readonly Queue<Action> _work = new();
    private bool _disposed;

    public EngineThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        for (var i = 0; i < count; i++)
        {
            new Thread(Run) { IsBackground = true, Name = $"embedded-engine-{i}" }.Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> on an engine thread; its outcome, result or exception, comes back as is.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var outcome = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(async () =>
        {
            try
            {
                outcome.SetResult(await work());
            }
            catch (Exception e)
            {
                outcome.SetException(e);
            }
        });
        return outcome.Task;
    }

    private void Enqueue(Action work)
    {
        lock (_work)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _work.Enqueue(work);
            Monitor.Pulse(_work);
        }
    }

    private void Run()
    {
        while (TakeNext() is { } work)
        {
            work();
        }
    }

    /// <summary>The next work item, waiting for one; null once disposed and drained.</summary>
    private Action? TakeNext()
    {
        lock (_work)
        {
            while (_work.Count == 0)
            {
                if (_disposed)
                {
                    return null;
                }

                Monitor.Wait(_work);
            }

            return _work.Dequeue();
        }
    }

    /// <summary>The threads end once what was queued has run; later calls throw.</summary>
    public void Dispose()
    {
        lock (_work)
        {
            _disposed = true;
            Monitor.PulseAll(_work);
        }
    }
}
