using System.Runtime.InteropServices;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// Lets idle threads sleep until another thread rings, without a lock between the two. With
/// <see cref="Monitor.Pulse(object)"/> the thread that wakes another must hold the lock the woken thread needs to
/// return from <see cref="Monitor.Wait(object)"/>. When the two run at different priorities that is a priority
/// inversion: a thread-pool thread handing an audit to the engine waited up to 7 ms for the lane's lock, held by an
/// engine thread at nice +10 that had been preempted, and the engine's normal threads up to 11 ms for a lowered
/// thread's hand-back (docs/PERFORMANCE.md, 2026-11-28 10:30 update). On Linux a futex needs no lock: a sleeper
/// waits on a counter's address, and a ringer bumps the counter and wakes it. Elsewhere, or if the futex call is
/// not available, it falls back to <see cref="Monitor"/>.
/// </summary>
/// <remarks>
/// The protocol, which makes a ring that comes between a sleeper's last look for work and its sleep wake it anyway:
/// read <see cref="Rings"/>, look for work, then <see cref="Sleep"/> with the value read, which returns at once if
/// there was a ring since. A ringer first publishes its work, then calls <see cref="Ring"/>.
/// </remarks>
internal sealed class Doorbell
{
    private const int FutexWaitPrivate = 128; // FUTEX_WAIT | FUTEX_PRIVATE_FLAG: waiters and wakers in this process
    private const int FutexWakePrivate = 129; // FUTEX_WAKE | FUTEX_PRIVATE_FLAG

    // The futex word: on the pinned object heap, so its address stays put while a thread sleeps on it.
    private readonly int[] _rings = GC.AllocateArray<int>(1, pinned: true);
    private readonly long _futexSyscall = FutexSyscallNumber();
    private readonly object _fallback = new();
    private int _sleepers;

    /// <summary>Whether sleeping and waking go through the Linux futex (else through <see cref="Monitor"/>).</summary>
    public bool UsesFutex => _futexSyscall != 0;

    /// <summary>Threads in <see cref="Sleep"/>: asleep, or about to be and then woken at once by any ring.</summary>
    internal int Sleeping => Volatile.Read(ref _sleepers);

    /// <summary>How many times it has rung; read before the last look for work, passed to <see cref="Sleep"/>.</summary>
    public int Rings => Volatile.Read(ref _rings[0]);

    /// <summary>Sleeps until a ring after <paramref name="seenRings"/>; returns at once if one came already.</summary>
    public void Sleep(int seenRings)
    {
        // Counted first (a full fence): a ringer that bumps the counter after this reads the sleeper and wakes it.
        Interlocked.Increment(ref _sleepers);
        try
        {
            if (UsesFutex)
            {
                // Returns at once if the word is no longer seenRings; may return early (a signal): callers look again.
                syscall(_futexSyscall, ref _rings[0], FutexWaitPrivate, seenRings, IntPtr.Zero, IntPtr.Zero, 0);
                return;
            }

            lock (_fallback)
            {
                while (Rings == seenRings)
                {
                    Monitor.Wait(_fallback);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _sleepers);
        }
    }

    /// <summary>Wakes one sleeper, or all; call after the work it announces is where sleepers look for it.</summary>
    public void Ring(bool all = false)
    {
        Interlocked.Increment(ref _rings[0]);
        if (Volatile.Read(ref _sleepers) == 0)
        {
            return; // the common case while work keeps coming: no system call
        }

        if (UsesFutex)
        {
            syscall(_futexSyscall, ref _rings[0], FutexWakePrivate, all ? int.MaxValue : 1, IntPtr.Zero, IntPtr.Zero, 0);
            return;
        }

        lock (_fallback)
        {
            Monitor.PulseAll(_fallback); // a sleeper whose ring this is not goes back to sleep
        }
    }

    /// <summary>The futex system call's number for this process's architecture on Linux; 0 where it is not used.</summary>
    private static long FutexSyscallNumber()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        long number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 202,
            Architecture.Arm64 => 98,
            _ => 0,
        };
        if (number == 0)
        {
            return 0;
        }

        try
        {
            // A wake with nobody waiting: checks that the call exists and takes this word, and changes nothing.
            var probe = new int[1];
            return syscall(number, ref probe[0], FutexWakePrivate, 1, IntPtr.Zero, IntPtr.Zero, 0) >= 0 ? number : 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    // libc's syscall(2) wrapper; the futex arguments are all integers and pointers.
    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, ref int address, int operation, int value, IntPtr timeout, IntPtr address2, int value3);
}
