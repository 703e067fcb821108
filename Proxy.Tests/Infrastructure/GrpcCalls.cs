using Grpc.Core;

namespace TruthTable.Tests.Infrastructure;

/// <summary>Builds the call objects a mocked generated gRPC client returns (as in the ASP.NET Core gRPC test docs).</summary>
internal static class GrpcCalls
{
    public static AsyncUnaryCall<T> Success<T>(T response) => new(
        Task.FromResult(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => new Metadata(), () => { });

    public static AsyncUnaryCall<T> Success<T>(T response, Metadata trailers) => new(
        Task.FromResult(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => trailers, () => { });

    public static AsyncUnaryCall<T> Failure<T>(StatusCode code, string detail = "") => new(
        Task.FromException<T>(new RpcException(new Status(code, detail))),
        Task.FromResult(new Metadata()), () => new Status(code, detail), () => new Metadata(), () => { });

    public static AsyncUnaryCall<T> From<T>(Func<Task<T>> response) => new(
        response(), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => new Metadata(), () => { });
}
