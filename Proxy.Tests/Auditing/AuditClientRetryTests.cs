using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TruthTable.Audit.V1;
using TruthTable.Core.Auditing;
using TruthTable.Core.Pipeline;

namespace TruthTable.Tests.Auditing;

/// <summary>
/// The gRPC client as the pipeline registers it, against an engine whose connections fail: each failure is retried
/// by one layer only, so Audit:MaxAttempts bounds the connection attempts per call.
/// </summary>
public sealed class AuditClientRetryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ConnectionsReset_AttemptsTheCallMaxAttemptsTimes_ThenFailsUnavailable(int maxAttempts)
    {
        using var engine = new ResettingListener();
        await using var services = Services(engine.Address, maxAttempts);
        var client = services.GetRequiredService<IAuditEngineClient>();

        var outcome = await client.AuditAsync(new AuditRequest { RequestId = "r1", Response = "a" }, CancellationToken.None);

        Assert.Equal(FailureReasons.Unavailable, outcome.FailureReason);
        Assert.Equal(maxAttempts, engine.Accepted);
    }

    private static ServiceProvider Services(Uri engine, int maxAttempts)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Proxy:Upstream"] = "http://127.0.0.1:1",
            ["Audit:Endpoint"] = engine.ToString(),
            ["Audit:MaxAttempts"] = maxAttempts.ToString(),
            ["Audit:Timeout"] = "00:00:20",
        }).Build();
        var services = new ServiceCollection().AddLogging(l => l.ClearProviders());
        services.AddAuditPipeline(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Accepts TCP connections on loopback, counting them, and resets each once its request is in.</summary>
    private sealed class ResettingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _accepted;

        public ResettingListener()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public int Accepted => Volatile.Read(ref _accepted);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    Interlocked.Increment(ref _accepted);
                    _ = ResetAfterTheRequestAsync(socket);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        /// <summary>
        /// Reads HTTP/2 frames until the request's last DATA frame (END_STREAM), then resets: a request that reached
        /// the engine whole, which HttpClient does not resend on its own.
        /// </summary>
        private static async Task ResetAfterTheRequestAsync(Socket socket)
        {
            using (socket)
            using (var stream = new NetworkStream(socket, ownsSocket: false))
            {
                try
                {
                    await stream.ReadExactlyAsync(new byte[24]); // the client preface
                    var header = new byte[9];
                    while (true)
                    {
                        await stream.ReadExactlyAsync(header);
                        var length = (header[0] << 16) | (header[1] << 8) | header[2];
                        await stream.ReadExactlyAsync(new byte[length]);
                        const byte Data = 0x0, EndStream = 0x1;
                        if (header[3] == Data && (header[4] & EndStream) != 0)
                        {
                            break;
                        }
                    }
                }
                catch (IOException) // EndOfStreamException included: the client gave up first
                {
                    return;
                }

                socket.LingerState = new LingerOption(true, 0); // close with RST, as a crashed engine would
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
