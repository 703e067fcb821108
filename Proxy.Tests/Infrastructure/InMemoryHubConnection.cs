using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;
using TruthTable.Core.Hub;

namespace TruthTable.Tests.Infrastructure;

/// <summary>
/// A real <see cref="HubConnectionContext"/> over in-memory pipes: what the server writes to the client can be read
/// back as hub messages, and the flushes (one per write reaching the transport) are counted.
/// </summary>
internal sealed class InMemoryHubConnection
{
    private readonly Pipe _toClient;
    private readonly CountingPipeWriter _output;

    /// <param name="readerBehindBytes">How far the client may fall behind before a write waits for it to read.</param>
    public InMemoryHubConnection(string connectionId, IHubProtocol protocol, long readerBehindBytes = 1024 * 1024)
    {
        _toClient = new Pipe(new PipeOptions(pauseWriterThreshold: readerBehindBytes, resumeWriterThreshold: readerBehindBytes / 2));
        _output = new CountingPipeWriter(_toClient.Writer);
        var transport = new DuplexPipe(new Pipe().Reader, _output);
        Context = new HubConnectionContext(
            new DefaultConnectionContext(connectionId, transport, transport),
            new HubConnectionContextOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan, ClientTimeoutInterval = Timeout.InfiniteTimeSpan },
            NullLoggerFactory.Instance)
        {
            Protocol = protocol,
        };
    }

    public HubConnectionContext Context { get; }

    /// <summary>Writes that reached the transport (each flushes once).</summary>
    public int Flushes => _output.Flushes;

    /// <summary>Cancelled when the server aborts the connection.</summary>
    public CancellationToken Aborted => Context.ConnectionAborted;

    /// <summary>The invocations written so far, in order.</summary>
    public List<InvocationMessage> ReadInvocations()
    {
        var invocations = new List<InvocationMessage>();
        if (!_toClient.Reader.TryRead(out var result))
        {
            return invocations;
        }

        var buffer = result.Buffer;
        while (Context.Protocol.TryParseMessage(ref buffer, AuditClientBinder.Instance, out var message))
        {
            invocations.Add(Assert.IsType<InvocationMessage>(message));
        }

        _toClient.Reader.AdvanceTo(buffer.Start, buffer.End);
        return invocations;
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>The <see cref="IAuditClient"/> methods and the one event each takes.</summary>
    private sealed class AuditClientBinder : IInvocationBinder
    {
        public static readonly AuditClientBinder Instance = new();

        public IReadOnlyList<Type> GetParameterTypes(string methodName) => methodName switch
        {
            nameof(IAuditClient.AuditStarted) => [typeof(AuditStartedEvent)],
            nameof(IAuditClient.AuditComplete) => [typeof(AuditCompleteEvent)],
            nameof(IAuditClient.AuditFailed) => [typeof(AuditFailedEvent)],
            nameof(IAuditClient.HealthUpdate) => [typeof(HealthUpdateEvent)],
            nameof(IAuditClient.StatsUpdate) => [typeof(StatsUpdateEvent)],
            _ => throw new InvalidOperationException($"Unexpected method {methodName}."),
        };

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }

    private sealed class CountingPipeWriter(PipeWriter inner) : PipeWriter
    {
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _flushes);
            return inner.FlushAsync(cancellationToken);
        }
    }
}

/// <summary>Hub subscribers for unit tests, and in-memory connections on them.</summary>
internal static class HubSubscribersExtensions
{
    public static HubSubscribers NewSubscribers(TimeProvider? time = null, TimeSpan? slowSubscriberTimeout = null) =>
        new(Options.Create(new AuditHubOptions { SlowSubscriberTimeout = slowSubscriberTimeout ?? TimeSpan.FromSeconds(5) }),
            time ?? TimeProvider.System, NullLogger<HubSubscribers>.Instance);

    /// <summary>A connection as the hub's lifetime manager reports it, subscribed to nothing yet.</summary>
    public static InMemoryHubConnection Connect(
        this HubSubscribers subscribers, string connectionId, IHubProtocol protocol, long readerBehindBytes = 1024 * 1024)
    {
        var connection = new InMemoryHubConnection(connectionId, protocol, readerBehindBytes);
        subscribers.Connected(connection.Context);
        return connection;
    }

    /// <summary>Connects and joins the feed, as a client calling SubscribeToFeed.</summary>
    public static InMemoryHubConnection Subscribe(
        this HubSubscribers subscribers, string connectionId, IHubProtocol protocol, long readerBehindBytes = 1024 * 1024)
    {
        var connection = subscribers.Connect(connectionId, protocol, readerBehindBytes);
        subscribers.JoinFeed(connectionId);
        return connection;
    }

    /// <summary>Writes the events to the feed and waits until they are taken.</summary>
    public static Task SendToFeedAsync(this HubSubscribers subscribers, params object[] events)
    {
        subscribers.WriteToFeed(events.Select(HubSubscribers.Serialize).ToList(), CancellationToken.None);
        return subscribers.FinishWritesAsync(CancellationToken.None);
    }
}
