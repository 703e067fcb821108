using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TruthTable.Contracts;
using TruthTable.Core.Configuration;

namespace TruthTable.Core.Events;

/// <summary>
/// The latest state of recent audits, so a caller that subscribes after its audit started or ended still gets
/// it. Bounded: past <see cref="AuditHubOptions.RecentStates"/> states or <see cref="AuditHubOptions.RecentStatesMaxBytes"/>
/// the oldest request ids are forgotten, and a final state as soon as the history holds it whole
/// (<see cref="ForgetStored"/>): at 1,000 audits/s ten seconds of full results would otherwise outlive every gen0
/// collection and lengthen its pause. Exchanges turned away by a full audit queue are kept apart, without an
/// object each (<see cref="TurnedAwayExchanges"/>), the most recent <see cref="AuditHubOptions.RecentStates"/>.
/// </summary>
public sealed class AuditStateCache(IOptions<AuditHubOptions> options) : IAuditEventSink
{
    private readonly int _capacity = options.Value.RecentStates;
    private readonly long _maxBytes = options.Value.RecentStatesMaxBytes;
    private long _bytes;
    private readonly ConcurrentDictionary<string, AuditState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _insertionOrder = new();
    private readonly TurnedAwayExchanges _turnedAway = new(options.Value.RecentStates);

    public int Count => _states.Count;

    /// <summary>Approximate memory held by the cached states.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public AuditState? Find(string requestId) =>
        _states.GetValueOrDefault(requestId)
        ?? (_turnedAway.TryFind(requestId, out var turnedAway)
            ? new AuditState(requestId, AuditState.StatusFailed, null, null,
                new AuditFailedEvent(requestId, turnedAway.Reason, turnedAway.Error, Skipped: false, turnedAway.Timestamp))
            : null);

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
            case AuditFailedEvent failed when envelope.Uncaptured:
                _turnedAway.Add(failed.RequestId, new TurnedAway(failed.Reason, failed.Error, failed.Timestamp));
                break;
            case AuditFailedEvent failed:
                Upsert(failed.RequestId, new AuditState(failed.RequestId, AuditState.StatusFailed,
                    Find(failed.RequestId)?.Started, null, failed));
                break;
        }
    }

    /// <summary>
    /// Lets go of a final state once the history holds it whole: <c>SubscribeToRequest</c> then reads it from there.
    /// Kept if the request has a newer state by now.
    /// </summary>
    public void ForgetStored(string requestId, object storedOutcome)
    {
        if (_states.TryGetValue(requestId, out var state)
            && (ReferenceEquals(state.Complete, storedOutcome) || ReferenceEquals(state.Failed, storedOutcome))
            && _states.TryRemove(KeyValuePair.Create(requestId, state)))
        {
            Interlocked.Add(ref _bytes, -AuditEventSize.Of(state));
        }
    }

    private void Upsert(string requestId, AuditState state)
    {
        var isNew = true;
        AuditState? replaced = null;
        var stored = _states.AddOrUpdate(requestId, state, (_, existing) =>
        {
            isNew = false;
            replaced = existing;
            // A late "started" never replaces a final state (events of one request can race between workers).
            return existing.IsFinal && !state.IsFinal ? existing : state;
        });

        if (!ReferenceEquals(stored, replaced))
        {
            Interlocked.Add(ref _bytes, AuditEventSize.Of(stored) - (replaced is null ? 0 : AuditEventSize.Of(replaced)));
        }

        if (isNew)
        {
            _insertionOrder.Enqueue(requestId);
        }

        while ((_insertionOrder.Count > _capacity || Interlocked.Read(ref _bytes) > _maxBytes)
            && _insertionOrder.TryDequeue(out var oldest))
        {
            if (_states.TryRemove(oldest, out var removed))
            {
                Interlocked.Add(ref _bytes, -AuditEventSize.Of(removed));
            }
        }
    }
}
