using System.Net;
using System.Net.Sockets;

namespace TruthTable.Tests.Infrastructure;

internal static class FreePort
{
    // Below Linux's ephemeral range (32768 and up), where the OS also picks the local ports of outgoing connections:
    // a port taken from there and released could be given to a client socket before the test server binds it.
    private const int First = 21_000;
    private const int Last = 32_000;

    private static int s_next = First + Random.Shared.Next(Last - First);

    /// <summary>A loopback port free right now, handed out once per test run.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < Last - First; attempt++)
        {
            var port = First + (Interlocked.Increment(ref s_next) - First) % (Last - First);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Another process listens there; try the next one.
            }
        }

        throw new InvalidOperationException($"No free loopback port in {First}-{Last}.");
    }
}
