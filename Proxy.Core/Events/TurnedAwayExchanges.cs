using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TruthTable.Core.Events;

/// <summary>
/// The most recent exchanges turned away by a full audit queue, so a caller that watches its request id after
/// the response still learns why it gets no audit. Under overload there is one per request, and each is kept for a
/// while: as objects on the heap they would all survive into the GC's older generations (a several-fold p99 at
/// saturation, docs/PERFORMANCE.md). So an entry is a 128-bit hash of the id and a timestamp in preallocated
/// arrays: nothing is allocated per entry.
/// </summary>
internal sealed class TurnedAwayExchanges
{
    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, TurnedAway> _turnedAway;
    private readonly UInt128[] _order; // a ring: the oldest at _oldest
    private readonly long _seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));
    private int _oldest;
    private int _count;

    public TurnedAwayExchanges(int capacity)
    {
        _turnedAway = new Dictionary<UInt128, TurnedAway>(capacity);
        _order = new UInt128[capacity];
    }

    /// <summary>Keeps one; its reason and error are the pipeline's shared strings, so only references are stored.</summary>
    public void Add(string requestId, TurnedAway turnedAway)
    {
        var key = Key(requestId);
        lock (_lock)
        {
            if (_turnedAway.ContainsKey(key))
            {
                _turnedAway[key] = turnedAway;
                return;
            }

            if (_count == _order.Length)
            {
                _turnedAway.Remove(_order[_oldest]);
                _oldest = (_oldest + 1) % _order.Length;
                _count--;
            }

            _order[(_oldest + _count) % _order.Length] = key;
            _count++;
            _turnedAway[key] = turnedAway;
        }
    }

    public bool TryFind(string requestId, out TurnedAway turnedAway)
    {
        var key = Key(requestId);
        lock (_lock)
        {
            return _turnedAway.TryGetValue(key, out turnedAway);
        }
    }

    // Seeded per process: request ids come from callers, who must not be able to aim for a collision.
    private UInt128 Key(string requestId) =>
        XxHash128.HashToUInt128(MemoryMarshal.AsBytes(requestId.AsSpan()), _seed);
}

/// <summary>What the AuditFailed of a turned-away exchange said (queue_full, or shutdown while stopping).</summary>
internal readonly record struct TurnedAway(string Reason, string Error, long Timestamp);
