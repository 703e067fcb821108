using TruthTable.Contracts;

namespace TruthTable.Core.History;

/// <summary>Finds the stored outcome of a request, for subscribers that arrive after it ended (even after a restart).</summary>
public interface IAuditOutcomeLookup
{
    /// <summary>The state of the latest stored outcome of <paramref name="requestId"/>, or null when none is stored.</summary>
    Task<AuditState?> FindAsync(string requestId, CancellationToken cancellationToken);
}
