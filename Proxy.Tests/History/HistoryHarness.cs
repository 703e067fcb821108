using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TruthTable.Core.Events;
using TruthTable.Core.Configuration;
using TruthTable.Core.History;
using TruthTable.Core.Pipeline;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.History;

/// <summary>
/// The history's real parts over a real SQLite file in a temp folder of its own: queue, sink, batch writer,
/// reader and retention, on a <see cref="FakeTimeProvider"/> (the writer's batch window is cut short by flushes).
/// </summary>
internal sealed class HistoryHarness : IAsyncDisposable
{
    private bool _writerStarted;

    private HistoryHarness(HistoryOptions options, AuditOptions audit, FakeTimeProvider time, string folder)
    {
        Options = options;
        Time = time;
        Folder = folder;
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var environment = Mock.Of<IHostEnvironment>(e => e.ContentRootPath == folder);
        Database = new HistoryDatabase(wrapped, environment, NullLogger<HistoryDatabase>.Instance);
        Queue = new HistoryQueue(wrapped);
        SinkLog = new RecordingLogger<AuditHistorySink>();
        Sink = new AuditHistorySink(Queue, time, SinkLog);
        Capacity = new SpareCapacityGate(Microsoft.Extensions.Options.Options.Create(audit), time);
        RecentStates = new AuditStateCache(Microsoft.Extensions.Options.Options.Create(new AuditHubOptions()));
        Writer = new AuditHistoryWriter(Database, Queue, Capacity, wrapped, time, NullLogger<AuditHistoryWriter>.Instance, RecentStates);
        Reader = new AuditHistoryReader(Database, time, NullLogger<AuditHistoryReader>.Instance);
        Retention = new HistoryRetention(Database, wrapped, time, NullLogger<HistoryRetention>.Instance);
    }

    public HistoryOptions Options { get; }
    public FakeTimeProvider Time { get; }
    public string Folder { get; }
    public HistoryDatabase Database { get; }
    public HistoryQueue Queue { get; }
    public RecordingLogger<AuditHistorySink> SinkLog { get; }
    public AuditHistorySink Sink { get; }
    public AuditHistoryWriter Writer { get; }
    /// <summary>The hub's recent states, which the writer tells what it has stored (the harness does not feed it).</summary>
    public AuditStateCache RecentStates { get; }
    /// <summary>Not started: spare capacity until a test feeds it queue waits.</summary>
    public SpareCapacityGate Capacity { get; }
    public AuditHistoryReader Reader { get; }
    public HistoryRetention Retention { get; }

    /// <summary>A harness with its writer started (which opens the database) unless <paramref name="startWriter"/> is false.</summary>
    public static async Task<HistoryHarness> StartAsync(
        Action<HistoryOptions>? configure = null, bool startWriter = true, Action<AuditOptions>? configureAudit = null)
    {
        var folder = Directory.CreateTempSubdirectory("truthtable-history-").FullName;
        var options = new HistoryOptions { Path = "history.db" };
        configure?.Invoke(options);
        var audit = new AuditOptions();
        configureAudit?.Invoke(audit);
        var harness = new HistoryHarness(options, audit, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(HistoryEvents.T0)), folder);
        if (startWriter)
        {
            await harness.StartWriterAsync();
        }

        return harness;
    }

    public async Task StartWriterAsync()
    {
        await Writer.StartAsync(CancellationToken.None);
        _writerStarted = true;
    }

    public async Task StopWriterAsync()
    {
        // The writer's shutdown wait runs on the fake clock; a test that failed with the writer held must not hang here.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Writer.StopAsync(giveUp.Token);
        _writerStarted = false;
    }

    /// <summary>Publishes through the sink, as the broadcaster does, and waits until all of it is committed.</summary>
    public async Task PublishAsync(params AuditEventEnvelope[] envelopes)
    {
        foreach (var envelope in envelopes)
        {
            Sink.Publish(envelope);
        }

        await FlushAsync();
    }

    public async Task FlushAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await Queue.FlushAsync(timeout.Token);
    }

    public string FilePath => Database.FilePath;

    public async Task<List<AuditSummary>> AllAsync(AuditQuery? query = null)
    {
        var page = await Reader.ListAsync((query ?? new AuditQuery()) with { Limit = AuditQuery.MaxLimit }, CancellationToken.None);
        return [.. page.Items];
    }

    public async ValueTask DisposeAsync()
    {
        if (_writerStarted)
        {
            await StopWriterAsync();
        }

        Writer.Dispose();
        Database.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
