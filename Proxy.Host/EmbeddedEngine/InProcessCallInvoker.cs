using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace TruthTable.Host.EmbeddedEngine;

/// <summary>
/// Calls a gRPC service's unary handlers in this process, without HTTP/2: what gRPC's in-process transports do in other
/// languages (grpc-java's InProcessChannel, grpc-go's bufconn). The embedded engine lives in the same process as the
/// pipeline, and over loopback every audit paid for a gRPC client call and a Kestrel HTTP/2 server call, about
/// eighteen thread-pool hand-offs, for a message that never had to leave the process. Callers keep the generated
/// client and the contract's semantics: request headers, response trailers, deadlines and cancellation, and status
/// codes as <see cref="RpcException"/> (an unexpected handler exception reads as UNKNOWN, as ASP.NET Core's gRPC
/// server reports it without detailed errors). Messages are passed as objects, not serialized: both sides are this
/// process's code and neither keeps or changes the other's message.
/// </summary>
public sealed partial class InProcessCallInvoker : CallInvoker
{
    private const string UnexpectedHandlerError = "Exception was thrown by handler.";

    private readonly Dictionary<string, Delegate> _handlers;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly EngineThreads _threads;

    /// <param name="bindService">The generated <c>BindService(ServiceBinderBase, TServiceBase)</c>, applied to the service.</param>
    /// <param name="threads">Where the handlers run: never on the caller's pool thread (see <see cref="EngineThreads"/>).</param>
    public InProcessCallInvoker(
        Action<ServiceBinderBase> bindService, EngineThreads threads, TimeProvider timeProvider, ILogger<InProcessCallInvoker> logger)
    {
        var binder = new UnaryHandlerBinder();
        bindService(binder);
        _handlers = binder.Handlers;
        _threads = threads;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var context = new InProcessServerCallContext(method.FullName, host, options, _timeProvider);
        var response = InvokeAsync(method, context, request);
        context.Response = response;
        return new AsyncUnaryCall<TResponse>(
            response,
            static state => ((InProcessServerCallContext)state).ReadResponseHeadersAsync(),
            static state => ((InProcessServerCallContext)state).Status,
            static state => ((InProcessServerCallContext)state).ResponseTrailers,
            static state => ((InProcessServerCallContext)state).Dispose(),
            context);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        using var call = AsyncUnaryCall(method, host, options, request);
        return call.ResponseAsync.GetAwaiter().GetResult();
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw StreamingNotSupported(method.FullName);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw StreamingNotSupported(method.FullName);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw StreamingNotSupported(method.FullName);

    private async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, InProcessServerCallContext context, TRequest request)
        where TRequest : class
        where TResponse : class
    {
        if (!_handlers.TryGetValue(method.FullName, out var handler))
        {
            throw context.Fail(new Status(StatusCode.Unimplemented, $"Method {method.FullName} is not implemented."));
        }

        if (context.DeadlinePassed)
        {
            throw context.Fail(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
        }

        try
        {
            var unary = (UnaryServerMethod<TRequest, TResponse>)handler;
            var response = await _threads.RunAsync(() => unary(request, context));
            context.Succeed();
            return response;
        }
        catch (RpcException e)
        {
            throw context.Fail(e.Status, e.Trailers);
        }
        catch (OperationCanceledException) when (context.CallerCancelled)
        {
            throw context.Fail(new Status(StatusCode.Cancelled, "Call canceled by the client."));
        }
        catch (OperationCanceledException) when (context.DeadlinePassed)
        {
            throw context.Fail(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
        }
        catch (Exception e)
        {
            // Logged here, as the gRPC server logs it; the caller gets no exception text, as over the wire.
            Log.HandlerFailed(_logger, method.FullName, e);
            throw context.Fail(new Status(StatusCode.Unknown, UnexpectedHandlerError));
        }
    }

    private static NotSupportedException StreamingNotSupported(string method) =>
        new($"{method} is a streaming method; the in-process invoker serves unary calls only (the audit contract has no other).");

    /// <summary>Collects a service's unary handlers by method name.</summary>
    private sealed class UnaryHandlerBinder : ServiceBinderBase
    {
        public Dictionary<string, Delegate> Handlers { get; } = new(StringComparer.Ordinal);

        public override void AddMethod<TRequest, TResponse>(
            Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            if (handler is not null)
            {
                Handlers[method.FullName] = handler;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5501, Level = LogLevel.Error, Message = "Error when executing in-process call {Method}")]
        public static partial void HandlerFailed(ILogger logger, string method, Exception exception);
    }
}
