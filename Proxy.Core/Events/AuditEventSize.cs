using TruthTable.Contracts;

namespace TruthTable.Core.Events;

/// <summary>
/// Rough in-memory size of what caches and queues hold, so they can be bounded in bytes as well as in count: an
/// audit of a long answer carries every claim, its evidence and a trace, and 10,000 of those can be gigabytes.
/// </summary>
public static class AuditEventSize
{
    private const long ObjectOverhead = 256;

    public static long Of(object auditEvent) => auditEvent switch
    {
        AuditCompleteEvent e => Of(e),
        AuditFailedEvent e => ObjectOverhead + Chars(e.Error),
        _ => ObjectOverhead,
    };

    public static long Of(AuditCompleteEvent e)
    {
        var chars = (long)e.ReasoningTrace.Length;
        foreach (var v in e.Verifications)
        {
            chars += v.Claim.Length + v.Reasoning.Length;
            foreach (var evidence in v.Evidence)
            {
                chars += evidence.Length;
            }
        }

        return ObjectOverhead * (1 + e.Verifications.Count) + chars * sizeof(char);
    }

    public static long Of(AuditState state) =>
        ObjectOverhead + (state.Complete is { } c ? Of(c) : 0) + (state.Failed is { } f ? Of(f) : 0);

    private static long Chars(string? text) => (text?.Length ?? 0) * sizeof(char);
}
