using Grpc.Core;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// The server side of one in-process call (<see cref="InProcessCallInvoker"/>): the caller's headers, a cancellation
/// token that fires at the deadline or when the caller cancels, and the trailers and status the caller reads back.
/// </summary>
internal sealed class InProcessServerCallContext : ServerCallContext, IDisposable
{
    public const string InProcessPeer = "inproc";

    private readonly string _method;
    private readonly string _host;
    private readonly DateTime _deadline;
    private readonly Metadata _requestHeaders;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource? _deadlineSource;
    private readonly CancellationTokenSource? _linkedSource;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationToken _token;
    private readonly Metadata _trailers = [];
    private Status _status;
    private Metadata? _responseHeaders;

    public InProcessServerCallContext(string method, string? host, CallOptions options, TimeProvider timeProvider)
    {
        _method = method;
        _host = host ?? "localhost";
        _deadline = options.Deadline ?? DateTime.MaxValue;
        _requestHeaders = options.Headers ?? [];
        _callerToken = options.CancellationToken;
        _timeProvider = timeProvider;

        if (_deadline == DateTime.MaxValue)
        {
            _token = _callerToken;
            return;
        }

        var untilDeadline = _deadline - timeProvider.GetUtcNow().UtcDateTime;
        _deadlineSource = new CancellationTokenSource(untilDeadline > TimeSpan.Zero ? untilDeadline : TimeSpan.Zero, timeProvider);
        if (_callerToken.CanBeCanceled)
        {
            _linkedSource = CancellationTokenSource.CreateLinkedTokenSource(_deadlineSource.Token, _callerToken);
            _token = _linkedSource.Token;
        }
        else
        {
            _token = _deadlineSource.Token;
        }
    }

    /// <summary>The handler's answer; set by the invoker right after it starts the handler.</summary>
    public Task? Response { get; set; }

    public bool CallerCancelled => _callerToken.IsCancellationRequested;

    public bool DeadlinePassed => _deadline != DateTime.MaxValue && _timeProvider.GetUtcNow().UtcDateTime >= _deadline;

    /// <summary>
    /// The response headers as a gRPC client sees them: those the handler wrote, else empty once the call succeeded,
    /// else the call's failure (a trailers-only response has no headers).
    /// </summary>
    public async Task<Metadata> ReadResponseHeadersAsync()
    {
        try
        {
            await Response!;
        }
        catch (RpcException) when (_responseHeaders is not null)
        {
        }

        return _responseHeaders ?? [];
    }

    public void Succeed() => _status = Status.DefaultSuccess;

    /// <summary>Records the call's failure and returns the exception its caller sees.</summary>
    public RpcException Fail(Status status, Metadata? trailers = null)
    {
        _status = status;
        if (trailers is not null && !ReferenceEquals(trailers, _trailers))
        {
            foreach (var entry in trailers)
            {
                _trailers.Add(entry);
            }
        }

        return new RpcException(status, _trailers);
    }

    public void Dispose()
    {
        _linkedSource?.Dispose();
        _deadlineSource?.Dispose();
    }

    protected override string MethodCore => _method;

    protected override string HostCore => _host;

    protected override string PeerCore => InProcessPeer;

    protected override DateTime DeadlineCore => _deadline;

    protected override Metadata RequestHeadersCore => _requestHeaders;

    protected override CancellationToken CancellationTokenCore => _token;

    protected override Metadata ResponseTrailersCore => _trailers;

    protected override Status StatusCore
    {
        get => _status;
        set => _status = value;
    }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore { get; } = new(null, new Dictionary<string, List<AuthProperty>>());

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        _responseHeaders = responseHeaders;
        return Task.CompletedTask;
    }

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("Context propagation is not supported for in-process calls.");
}
