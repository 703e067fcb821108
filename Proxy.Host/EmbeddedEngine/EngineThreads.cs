using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// Threads of the embedded engine's own for in-process calls. An audit is synchronous CPU work, 65–160 ms for a long
/// answer: on a thread-pool thread it holds a thread the proxied requests need, and with both audit workers in such
/// audits a 2-core host's pool waited for the thread injection (64 KiB answers at saturation: p99 20–64 ms against
/// 7–11 ms over loopback gRPC, where Kestrel's I/O kept the pool moving). One thread per audit worker: the workers
/// bound how many calls wait here. The caller continues on the thread pool, not on these threads.
/// </summary>
/// <remarks>
/// <para>
/// With a niceness, audits run on a second set of threads at a lower priority while the audit queue keeps up, so a
/// proxied request that becomes runnable takes the core from an audit at once instead of waiting for the audit's
/// time slice (docs/PERFORMANCE.md, run NICE1). Once the queue is backed up (<c>backlogged</c>) they run at the
/// normal priority again: on a busy machine the lowered threads fall behind, and audits would be turned away.
/// </para>
/// <para>
/// A lowered thread never completes the caller's task itself: that queues the caller's continuation to the thread
/// pool, which may start a pool thread right there, and on Linux a new thread inherits its creator's nice value for
/// good. It hands the outcome to a normal-priority thread instead.
/// </para>
/// <para>
/// An idle thread sleeps on a <see cref="Doorbell"/>, which blocks at once. A BlockingCollection's take spins before
/// it blocks (SemaphoreSlim), and after each of 1,000 short audits a second that spinning was 12 % of the process's
/// CPU samples, more than the engine's own work. Handing work between the two priorities takes no lock (see
/// <see cref="Lane"/>); the engine's result store still has one, taken by both while the queue is backed up.
/// </para>
/// </remarks>
public sealed partial class EngineThreads : IDisposable
{
    private readonly Lane _normal = new();
    private readonly Lane? _lowered;
    private readonly Func<bool> _backlogged;
    private int _loweredThreadsRunning;
    private long _runsWhileBehind;
    private volatile bool _disposed;

    /// <summary>Threads at the process's priority only.</summary>
    public EngineThreads(int count)
        : this(count, niceness: 0, backlogged: static () => true, NullLogger<EngineThreads>.Instance)
    {
    }

    /// <param name="count">Threads per priority.</param>
    /// <param name="niceness">How much lower the lowered threads run (Linux nice increment); 0: no lowered threads.</param>
    /// <param name="backlogged">Whether audits are falling behind; asked per call, true sends it to the normal threads.</param>
    public EngineThreads(int count, int niceness, Func<bool> backlogged, ILogger<EngineThreads> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(niceness);
        _backlogged = backlogged;
        for (var i = 0; i < count; i++)
        {
            new Thread(_normal.Run) { IsBackground = true, Name = $"engine-{i}" }.Start();
        }

        if (niceness == 0)
        {
            return;
        }

        _lowered = new Lane();
        _loweredThreadsRunning = count;
        var failures = new string?[count];
        using var started = new CountdownEvent(count);
        for (var i = 0; i < count; i++)
        {
            var index = i;
            new Thread(() =>
            {
                failures[index] = ThreadNiceness.TryLowerCurrentThread(niceness);
                started.Signal();
                RunLowered();
            }) { IsBackground = true, Name = $"engine-nice-{i}" }.Start();
        }

        // Logged here, not on the lowered threads: they only ever hand work to this class's own threads.
        started.Wait();
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            Log.NotLowered(logger, niceness, failure);
        }
    }

    /// <summary>Whether idle threads sleep on a Linux futex, sharing no lock between the priorities (else a Monitor).</summary>
    internal bool SleepsOnFutex => _normal.UsesFutex;

    /// <summary>Calls run at the normal priority, though lowered threads exist, because audits were falling behind.</summary>
    public long RunsWhileBehind => Interlocked.Read(ref _runsWhileBehind);

    /// <summary>Runs <paramref name="work"/> on an engine thread; its outcome, result or exception, comes back as is.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var outcome = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_lowered is null || _backlogged())
        {
            _normal.Enqueue(() => CompleteAsync(outcome, Start(work)));
            if (_lowered is not null)
            {
                Interlocked.Increment(ref _runsWhileBehind);
            }
        }
        else
        {
            _lowered.Enqueue(() =>
            {
                var done = Start(work);
                _normal.Enqueue(() => CompleteAsync(outcome, done));
            });
        }

        return outcome.Task;
    }

    /// <summary>The work's task; an exception it throws before returning one ends up in the task too.</summary>
    private static Task<T> Start<T>(Func<Task<T>> work)
    {
        try
        {
            return work();
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    // async void: nothing awaits the hand-back, and every exception ends in the caller's task.
    private static async void CompleteAsync<T>(TaskCompletionSource<T> outcome, Task<T> work)
    {
        try
        {
            outcome.SetResult(await work);
        }
        catch (Exception e)
        {
            outcome.SetException(e);
        }
    }

    private void RunLowered()
    {
        _lowered!.Run();

        // The normal threads finish after the last lowered one: its hand-backs still need them.
        if (Interlocked.Decrement(ref _loweredThreadsRunning) == 0)
        {
            _normal.Close();
        }
    }

    /// <summary>The threads end once what was queued has run; later calls throw.</summary>
    public void Dispose()
    {
        _disposed = true;
        (_lowered ?? _normal).Close();
    }

    /// <summary>
    /// A queue of work and the threads that take from it. Nobody holds a lock here: adding work, taking it and
    /// waking a sleeping thread (<see cref="Doorbell"/>) are lock-free, so a thread of one priority never waits for a
    /// thread of the other that was preempted while holding one.
    /// </summary>
    private sealed class Lane
    {
        private readonly ConcurrentQueue<Action> _work = new();
        private readonly Doorbell _doorbell = new();
        private int _adding; // Enqueue calls past their closed check whose work is not queued yet
        private volatile bool _closed;

        public bool UsesFutex => _doorbell.UsesFutex;

        public void Enqueue(Action work)
        {
            Interlocked.Increment(ref _adding);
            try
            {
                ObjectDisposedException.ThrowIf(_closed, typeof(EngineThreads));
                _work.Enqueue(work);
            }
            finally
            {
                Interlocked.Decrement(ref _adding);
            }

            _doorbell.Ring();
        }

        public void Run()
        {
            while (TakeNext() is { } work)
            {
                work();
            }
        }

        /// <summary>What is queued still runs; the threads end after it.</summary>
        public void Close()
        {
            _closed = true;
            _doorbell.Ring(all: true);
        }

        /// <summary>The next work item, waiting for one; null once closed and drained.</summary>
        private Action? TakeNext()
        {
            while (true)
            {
                var rings = _doorbell.Rings;
                if (_work.TryDequeue(out var work))
                {
                    return work;
                }

                if (_closed)
                {
                    if (Volatile.Read(ref _adding) == 0 && _work.IsEmpty)
                    {
                        return null; // an Enqueue after this sees closed and throws
                    }

                    Thread.Yield(); // an Enqueue that saw the lane open is queuing its work: it still runs
                    continue;
                }

                _doorbell.Sleep(rings);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5502, Level = LogLevel.Warning,
            Message = "The embedded engine's audit threads could not lower their priority by {Niceness} ({Reason}); audits run at the proxy's priority")]
        public static partial void NotLowered(ILogger logger, int niceness, string reason);
    }
}
