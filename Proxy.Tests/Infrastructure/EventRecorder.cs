using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using TruthTable.Contracts;

namespace TruthTable.Tests.Infrastructure;

/// <summary>Records the audit events a real HubConnection receives, in order, and awaits them with a timeout.</summary>
public sealed class EventRecorder
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();
    private readonly List<object> _seen = [];

    public EventRecorder(HubConnection connection)
    {
        connection.On<AuditStartedEvent>(nameof(IAuditClient.AuditStarted), e => _events.Writer.TryWrite(e));
        connection.On<AuditCompleteEvent>(nameof(IAuditClient.AuditComplete), e => _events.Writer.TryWrite(e));
        connection.On<AuditFailedEvent>(nameof(IAuditClient.AuditFailed), e => _events.Writer.TryWrite(e));
        connection.On<HealthUpdateEvent>(nameof(IAuditClient.HealthUpdate), e => _events.Writer.TryWrite(e));
        connection.On<StatsUpdateEvent>(nameof(IAuditClient.StatsUpdate), e => _events.Writer.TryWrite(e));
    }

    /// <summary>Every event seen so far by <see cref="WaitForAsync{T}"/>, in arrival order.</summary>
    public IReadOnlyList<object> Seen => _seen;

    /// <summary>Waits for the first event of type <typeparamref name="T"/> matching the predicate.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var earlier = _seen.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true);
        if (earlier is not null)
        {
            return earlier;
        }

        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(cts.Token);
                _seen.Add(next);
                if (next is T typed && (match?.Invoke(typed) ?? true))
                {
                    return typed;
                }
            }
        }
        catch (OperationCanceledException)
        {
            var kinds = string.Join(", ", _seen.Select(e => e.GetType().Name));
            throw new TimeoutException($"No {typeof(T).Name} arrived in time. Seen: [{kinds}]");
        }
    }
}
