namespace TruthTable.Core.Hub;

/// <summary>Open hub connections, for HealthUpdate.</summary>
public sealed class HubConnectionCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Connected() => Interlocked.Increment(ref _count);

    public void Disconnected() => Interlocked.Decrement(ref _count);
}
