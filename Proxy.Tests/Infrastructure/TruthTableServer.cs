using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TruthTable.Contracts;

namespace TruthTable.Tests.Infrastructure;

/// <summary>
/// The real Proxy.Host (its Program.cs) on real Kestrel loopback ports: the proxy port and, unless an external
/// engine is configured, the embedded engine's HTTP/2 port. Settings override appsettings.json.
/// </summary>
public sealed class TruthTableServer : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string? _ownHistoryPath;
    private readonly ILoggerProvider? _logs;

    /// <param name="logs">Also receives the host's log entries (at Warning and above).</param>
    public TruthTableServer(Uri upstream, IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    {
        _logs = logs;
        ProxyPort = FreePort.Next();
        EnginePort = FreePort.Next();
        _settings = new Dictionary<string, string?>
        {
            // Each server its own history file, removed on dispose, unless a test passes History:Path (restarts).
            ["History:Path"] = _ownHistoryPath = Path.Combine(Path.GetTempPath(), "truthtable-tests", $"{Guid.NewGuid():N}.db"),
            ["Proxy:Upstream"] = upstream.ToString(),
            ["Proxy:Url"] = $"http://127.0.0.1:{ProxyPort}",
            ["EmbeddedEngine:Url"] = $"http://127.0.0.1:{EnginePort}",
            ["Hub:StatsInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        if (_settings["History:Path"] != _ownHistoryPath)
        {
            _ownHistoryPath = null;
        }

        UseKestrel();
    }

    public int ProxyPort { get; }

    public int EnginePort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{ProxyPort}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            if (_logs is not null)
            {
                logging.AddProvider(_logs);
            }
        });
    }

    public static async Task<TruthTableServer> StartAsync(Uri upstream, IDictionary<string, string?>? settings = null)
    {
        var server = new TruthTableServer(upstream, settings);
        server.StartServer();
        await Task.CompletedTask;
        return server;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownHistoryPath is not null)
        {
            File.Delete(_ownHistoryPath);
            File.Delete(_ownHistoryPath + "-wal");
            File.Delete(_ownHistoryPath + "-shm");
        }
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress };

    public T GetService<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>POST /api/audits with <paramref name="body"/> under a chosen request id; fails the test unless accepted.</summary>
    public async Task PostDirectAuditAsync(string requestId, object body)
    {
        using var http = CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/audits") { Content = JsonContent.Create(body) };
        request.Headers.Add(AuditHubPaths.RequestIdHeader, requestId);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    /// <summary>A connected client subscribed to the feed, with a recorder of what it receives.</summary>
    public async Task<(HubConnection Connection, EventRecorder Events)> ConnectFeedAsync()
    {
        var connection = await ConnectHubAsync();
        var events = new EventRecorder(connection);
        await connection.InvokeAsync(nameof(IAuditHub.SubscribeToFeed));
        return (connection, events);
    }

    /// <summary>A connected client subscribed to one request id, with a recorder of what it receives.</summary>
    public async Task<(HubConnection Connection, EventRecorder Events)> ConnectToRequestAsync(string requestId)
    {
        var connection = await ConnectHubAsync();
        var events = new EventRecorder(connection);
        await connection.InvokeAsync<AuditState?>(nameof(IAuditHub.SubscribeToRequest), requestId);
        return (connection, events);
    }

    /// <summary>A real SignalR client over WebSockets on the proxy port, JSON unless asked for MessagePack.</summary>
    public async Task<HubConnection> ConnectHubAsync(bool messagePack = false)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(BaseAddress, AuditHubPaths.Hub));
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        await connection.StartAsync();
        return connection;
    }
}
