using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;

namespace TruthTable.Core.Events;

/// <summary>
/// The latest state of recent audits, so a caller that subscribes after its audit started or ended still gets
/// it. Bounded: past <see cref="AuditHubOptions.RecentStates"/> the oldest request ids are forgotten.
/// </summary>
public sealed class AuditStateCache(IOptions<AuditHubOptions> options) : IAuditEventSink
{
    private readonly int _capacity = options.Value.RecentStates;
    private readonly ConcurrentDictionary<string, AuditState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _insertionOrder = new();

    public int Count => _states.Count;

    public AuditState? Find(string requestId) => _states.GetValueOrDefault(requestId);

    public void Publish(AuditEventEnvelope envelope)
    {
        switch (envelope.Event)
        {
            case AuditStartedEvent started:
                Upsert(started.RequestId, new AuditState(started.RequestId, AuditState.StatusStarted, started, null, null));
                break;
            case AuditCompleteEvent complete:
                Upsert(complete.RequestId, new AuditState(complete.RequestId, AuditState.StatusComplete,
                    Find(complete.RequestId)?.Started, complete, null));
                break;
            case AuditFailedEvent failed:
                Upsert(failed.RequestId, new AuditState(failed.RequestId, AuditState.StatusFailed,
                    Find(failed.RequestId)?.Started, null, failed));
                break;
        }
    }

    private void Upsert(string requestId, AuditState state)
    {
        var isNew = true;
        _states.AddOrUpdate(requestId, state, (_, existing) =>
        {
            isNew = false;
            // A late "started" never replaces a final state (events of one request can race between workers).
            return existing.IsFinal && !state.IsFinal ? existing : state;
        });

        if (!isNew)
        {
            return;
        }

        _insertionOrder.Enqueue(requestId);
        while (_insertionOrder.Count > _capacity && _insertionOrder.TryDequeue(out var oldest))
        {
            _states.TryRemove(oldest, out _);
        }
    }
}
