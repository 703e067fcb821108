using Grpc.Core;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using TruthTable.Core.Configuration;

namespace TruthTable.Core.Auditing;

/// <summary>
/// The circuit breaker around audit-service calls. It sits above gRPC because HTTP-level policies cannot see gRPC
/// status codes (they travel in trailers of an HTTP 200). It only counts failures and never retries: retries of
/// UNAVAILABLE belong to gRPC's own retry policy, and retrying here as well would multiply them.
/// </summary>
public sealed class AuditCircuitBreaker
{
    private static readonly StatusCode[] BreakingCodes =
        [StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.ResourceExhausted];

    private readonly AsyncCircuitBreakerPolicy _policy;

    public AuditCircuitBreaker(IOptions<AuditOptions> options)
    {
        var audit = options.Value;
        _policy = Policy
            .Handle<RpcException>(e => BreakingCodes.Contains(e.StatusCode))
            .CircuitBreakerAsync(audit.CircuitFailureThreshold, audit.CircuitBreakDuration);
    }

    /// <summary>"closed", "open" or "half_open".</summary>
    public string State => _policy.CircuitState switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half_open",
        _ => "open",
    };

    public bool IsClosed => _policy.CircuitState == CircuitState.Closed;

    /// <summary>Runs the call; throws <see cref="BrokenCircuitException"/> at once while the circuit is open.</summary>
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _policy.ExecuteAsync(call, cancellationToken);
}
