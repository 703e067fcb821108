using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TruthTable.Audit.V1;
using TruthTable.Host.EmbeddedEngine;

namespace TruthTable.Tests.EmbeddedEngine;

/// <summary>The in-process transport keeps what a gRPC client relies on: headers, trailers, status codes, deadlines.</summary>
public sealed class InProcessCallInvokerTests : IDisposable
{
    private static readonly AuditRequest Request = new() { RequestId = "r-1", Query = "q", Response = "a" };

    private readonly EngineThreads _threads = new(1);

    public void Dispose() => _threads.Dispose();

    private sealed class ScriptedService(Func<AuditRequest, ServerCallContext, Task<AuditSubmission>> submit)
        : AuditService.AuditServiceBase
    {
        public override Task<AuditSubmission> SubmitAudit(AuditRequest request, ServerCallContext context) =>
            submit(request, context);
    }

    private AuditService.AuditServiceClient Client(
        Func<AuditRequest, ServerCallContext, Task<AuditSubmission>> submit, TimeProvider? clock = null) =>
        Client(binder => AuditService.BindService(binder, new ScriptedService(submit)), clock);

    private AuditService.AuditServiceClient Client(Action<ServiceBinderBase> bindService, TimeProvider? clock = null) =>
        new(new InProcessCallInvoker(bindService, _threads, clock ?? TimeProvider.System, NullLogger<InProcessCallInvoker>.Instance));

    [Fact]
    public async Task UnaryCall_HandlerAnswers_ResponseTrailersAndOkStatusReachTheCaller()
    {
        ServerCallContext? seen = null;
        var client = Client((request, context) =>
        {
            seen = context;
            context.ResponseTrailers.Add("echo-bin", [1, 2, 3]);
            return Task.FromResult(new AuditSubmission
            {
                AuditId = $"{request.RequestId}:{context.RequestHeaders.GetValue("x-asked")}", Status = "completed",
            });
        });

        using var call = client.SubmitAuditAsync(Request, new Metadata { { "x-asked", "yes" } });
        var submission = await call.ResponseAsync;

        Assert.Equal("r-1:yes", submission.AuditId);
        Assert.Equal([1, 2, 3], call.GetTrailers().GetValueBytes("echo-bin"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Empty(await call.ResponseHeadersAsync);
        Assert.Equal("/truthtable.audit.v1.AuditService/SubmitAudit", seen!.Method);
        Assert.Equal(InProcessServerCallContext.InProcessPeer, seen.Peer);
    }

    [Fact]
    public async Task UnaryCall_HandlerThrowsRpcException_CallerGetsItsStatusAndTrailers()
    {
        var client = Client((_, context) =>
        {
            context.ResponseTrailers.Add("written-before", "1");
            throw new RpcException(new Status(StatusCode.NotFound, "No audit with that id."), new Metadata { { "thrown-with", "2" } });
        });

        using var call = client.SubmitAuditAsync(Request);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "No audit with that id."), (e.StatusCode, e.Status.Detail));
        Assert.Equal(("1", "2"), (e.Trailers.GetValue("written-before"), e.Trailers.GetValue("thrown-with")));
        Assert.Equal(StatusCode.NotFound, call.GetStatus().StatusCode);
        Assert.Equal("2", call.GetTrailers().GetValue("thrown-with"));
        await Assert.ThrowsAsync<RpcException>(() => call.ResponseHeadersAsync); // a trailers-only response
    }

    [Fact]
    public async Task UnaryCall_HandlerThrowsUnexpectedly_UnknownWithoutTheExceptionsText()
    {
        var client = Client((_, _) => throw new InvalidOperationException("connection string with a password"));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAuditAsync(Request).ResponseAsync);

        Assert.Equal(StatusCode.Unknown, e.StatusCode);
        Assert.DoesNotContain("password", e.Status.Detail);
        Assert.DoesNotContain("password", e.Message);
    }

    [Fact]
    public async Task UnaryCall_DeadlineAlreadyPassed_DeadlineExceededWithoutRunningTheHandler()
    {
        var clock = new FakeTimeProvider();
        var ran = false;
        var client = Client((_, _) => { ran = true; return Task.FromResult(new AuditSubmission()); }, clock);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            client.SubmitAuditAsync(Request, deadline: clock.GetUtcNow().UtcDateTime.AddMilliseconds(-1)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.False(ran);
    }

    [Fact]
    public async Task UnaryCall_DeadlinePassesWhileTheHandlerRuns_ItsTokenFiresAndTheCallReadsDeadlineExceeded()
    {
        var clock = new FakeTimeProvider();
        var client = Client(async (_, context) =>
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new AuditSubmission();
        }, clock);

        using var call = client.SubmitAuditAsync(Request, deadline: clock.GetUtcNow().UtcDateTime.AddSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.ResponseAsync.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_CallerCancels_Cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var client = Client(async (_, context) =>
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new AuditSubmission();
        });

        using var call = client.SubmitAuditAsync(Request, deadline: DateTime.UtcNow.AddMinutes(1), cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_NoHandlerBound_Unimplemented()
    {
        var client = Client(_ => { });

        var e = await Assert.ThrowsAsync<RpcException>(() => client.HealthCheckAsync(new HealthRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }

    [Fact]
    public void BlockingUnaryCall_HandlerAnswers_ReturnsTheResponse()
    {
        var client = Client((request, _) => Task.FromResult(new AuditSubmission { AuditId = request.RequestId }));

        Assert.Equal("r-1", client.SubmitAudit(Request).AuditId);
    }

    [Fact]
    public async Task UnaryCall_OnEngineThreads_HandlerRunsOffThePoolAndTheCallerContinuesOnIt()
    {
        Thread? handlerThread = null;
        var client = Client((request, _) =>
        {
            handlerThread = Thread.CurrentThread;
            return Task.FromResult(new AuditSubmission { AuditId = request.RequestId });
        });

        // From the thread pool, as the audit workers call it (no synchronization context to return to).
        var (submission, callerThread) = await Task.Run(async () =>
        {
            var response = client.SubmitAuditAsync(Request).ResponseAsync;
            var continuedOn = await response.ContinueWith(_ => Thread.CurrentThread, TaskContinuationOptions.ExecuteSynchronously);
            return (await response, continuedOn);
        });

        Assert.Equal("r-1", submission.AuditId);
        Assert.False(handlerThread!.IsThreadPoolThread);
        Assert.StartsWith("engine-", handlerThread.Name);
        Assert.NotSame(handlerThread, callerThread);
    }
}
