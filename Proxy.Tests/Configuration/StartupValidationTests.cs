using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Configuration;

public sealed class StartupValidationTests
{
    [Fact]
    public async Task Start_BadValues_StopsWithMessageNamingEveryKey()
    {
        await using var server = new TruthTableServer(new Uri("http://127.0.0.1:9"), new Dictionary<string, string?>
        {
            ["Audit:Workers"] = "0",
            ["Audit:QueueCapacity"] = "-5",
            ["Hub:StatsInterval"] = "00:00:00",
            ["Hub:SlowSubscriberTimeout"] = "00:00:00.010",
        });

        var error = Assert.ThrowsAny<Exception>(() => server.StartServer());

        var failures = error is AggregateException a ? a.Flatten().InnerExceptions : [error];
        var messages = string.Join("\n", failures.Select(f => Assert.IsType<OptionsValidationException>(f).Message));
        Assert.Contains("Audit:Workers", messages);
        Assert.Contains("Audit:QueueCapacity", messages);
        Assert.Contains("Hub:StatsInterval", messages);
        Assert.Contains("Hub:SlowSubscriberTimeout", messages);
    }

    [Fact]
    public async Task Start_MissingUpstream_StopsNamingProxyUpstream()
    {
        await using var server = new TruthTableServer(new Uri("http://127.0.0.1:9"), new Dictionary<string, string?>
        {
            ["Proxy:Upstream"] = "",
        });

        var error = Assert.ThrowsAny<Exception>(() => server.StartServer());

        Assert.Contains("Proxy:Upstream", error.ToString());
    }

    [Fact]
    public async Task Start_PortTaken_FailsWithTheBindErrorAndNoBackgroundServiceCrash()
    {
        using var taken = ListenOutsideTheEphemeralRange();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var logs = new RecordingLoggerProvider();
        await using var server = new TruthTableServer(new Uri("http://127.0.0.1:9"), new Dictionary<string, string?>
        {
            ["Proxy:Url"] = $"http://127.0.0.1:{port}",
        }, logs);

        var error = Assert.ThrowsAny<Exception>(() => server.StartServer());
        await server.DisposeAsync(); // stops nothing (nothing started): the services are disposed unstopped

        Assert.Contains("address already in use", error.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Hosting failed to start"));
        // None of our services reports the host's disposal as its own failure. (One whose ExecuteAsync had not begun
        // yet, BackgroundService runs it on Task.Run, is cancelled and reported by the host with no frame of ours.)
        var serviceFailures = logs.Entries.Where(e => e.Message == "BackgroundService failed").ToList();
        Assert.DoesNotContain(serviceFailures, e => e.Exception?.StackTrace?.Contains("TruthTable.") == true);
    }

    /// <summary>
    /// A port below the range <see cref="FreePort"/> hands out to the other tests, which run in parallel, and below
    /// Linux's ephemeral range (32768 and up): holding it cannot take a port one of them was just given.
    /// </summary>
    private static TcpListener ListenOutsideTheEphemeralRange()
    {
        for (var port = 20_000; port < 21_000; port++)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                return listener;
            }
            catch (SocketException)
            {
                listener.Dispose();
            }
        }

        throw new InvalidOperationException("No free loopback port in 20000-20999.");
    }
}
