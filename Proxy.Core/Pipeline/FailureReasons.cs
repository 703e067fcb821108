namespace TruthTable.Core.Pipeline;

/// <summary>The reasons an audit fails (as opposed to skips, see <c>SkipReasons</c>).</summary>
public static class FailureReasons
{
    public const string QueueFull = "queue_full";
    public const string Timeout = "timeout";
    public const string Unavailable = "unavailable";
    public const string EngineFailed = "engine_failed";
    public const string InvalidResult = "invalid_result";
    public const string Shutdown = "shutdown";
}
