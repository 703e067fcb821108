using System.Threading.Channels;
using TruthTable.Contracts;

namespace TruthTable.Tests.Infrastructure;

/// <summary>An <see cref="IAuditClient"/> that records what a mocked hub context sends it, to await in order.</summary>
internal sealed class RecordingAuditClient : IAuditClient
{
    private readonly Channel<(string Method, object Event)> _calls = Channel.CreateUnbounded<(string, object)>();

    public Task AuditStarted(AuditStartedEvent e) => Record(nameof(AuditStarted), e);
    public Task AuditComplete(AuditCompleteEvent e) => Record(nameof(AuditComplete), e);
    public Task AuditFailed(AuditFailedEvent e) => Record(nameof(AuditFailed), e);
    public Task HealthUpdate(HealthUpdateEvent e) => Record(nameof(HealthUpdate), e);
    public Task StatsUpdate(StatsUpdateEvent e) => Record(nameof(StatsUpdate), e);

    private Task Record(string method, object e)
    {
        _calls.Writer.TryWrite((method, e));
        return Task.CompletedTask;
    }

    public async Task<(string Method, object Event)> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _calls.Reader.ReadAsync(cts.Token);
    }

    public async Task<T> NextAsync<T>(TimeSpan? timeout = null)
    {
        var (method, e) = await NextAsync(timeout);
        return e is T typed ? typed : throw new Xunit.Sdk.XunitException($"Expected {typeof(T).Name}, got {method}");
    }
}
