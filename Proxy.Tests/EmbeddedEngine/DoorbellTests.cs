using System.Runtime.InteropServices;
using TruthTable.Host.EmbeddedEngine;

namespace TruthTable.Tests.EmbeddedEngine;

public sealed class DoorbellTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void UsesFutex_OnLinuxX64AndArm64()
    {
        var expected = OperatingSystem.IsLinux()
            && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

        Assert.Equal(expected, new Doorbell().UsesFutex);
    }

    [Fact]
    public void Sleep_RungSinceTheRead_ReturnsAtOnce()
    {
        var bell = new Doorbell();
        var seen = bell.Rings;
        bell.Ring();

        var sleeper = new Thread(() => bell.Sleep(seen)) { IsBackground = true };
        sleeper.Start();

        Assert.True(sleeper.Join(Patience), "a ring between the read and the sleep was lost");
        Assert.Equal(seen + 1, bell.Rings);
    }

    [Fact]
    public void RingAll_WakesEverySleeper()
    {
        var bell = new Doorbell();
        var woken = new CountdownEvent(3);
        var stop = false;
        var sleepers = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            // The doorbell's protocol: read the rings, look, sleep; a sleep may end early, so look again.
            while (true)
            {
                var seen = bell.Rings;
                if (Volatile.Read(ref stop))
                {
                    break;
                }

                bell.Sleep(seen);
            }

            woken.Signal();
        }) { IsBackground = true }).ToList();
        sleepers.ForEach(t => t.Start());
        Assert.True(SpinWait.SpinUntil(() => bell.Sleeping == 3, Patience), $"{bell.Sleeping} of 3 threads went to sleep");

        Volatile.Write(ref stop, true);
        bell.Ring(all: true);

        Assert.True(woken.Wait(Patience), $"{woken.CurrentCount} of 3 sleepers were not woken");
    }

    [Fact]
    public void Ring_TwoThreadsTakingTurns_NoWakeIsLost()
    {
        // 20,000 hand-overs between two threads, each sleeping until the other rings: a lost wake hangs both.
        const int Rounds = 10_000;
        var bells = new[] { new Doorbell(), new Doorbell() };
        var turn = 0;
        var players = Enumerable.Range(0, 2).Select(me => new Thread(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                while (true)
                {
                    var seen = bells[me].Rings;
                    if (Volatile.Read(ref turn) == me)
                    {
                        break;
                    }

                    bells[me].Sleep(seen);
                }

                Volatile.Write(ref turn, 1 - me);
                bells[1 - me].Ring();
            }
        }) { IsBackground = true }).ToList();

        players.ForEach(t => t.Start());

        Assert.All(players, t => Assert.True(t.Join(Patience), "a wake was lost: the turns stopped"));
    }
}
