using System.ComponentModel.DataAnnotations;

namespace TruthTable.Core.History;

/// <summary>The audit history: where outcomes are stored, what of them, for how long, and how they are written.</summary>
public sealed class HistoryOptions : IValidatableObject
{
    public const string SectionName = "History";

    /// <summary>The SQLite file. Relative paths are under the content root; empty means <see cref="DefaultPath"/>.</summary>
    public string Path { get; set; } = "";

    public const string DefaultPath = "data/truthtable.db";

    /// <summary>Whether question, answer and context (and the claim and evidence texts taken from them) are stored.</summary>
    public bool StoreText { get; set; } = true;

    /// <summary>
    /// Approximate memory the backlog may hold (events plus question, answer and context). Past it, an outcome is
    /// queued without its text (counted as TextDropped), or dropped (counted as Dropped) when even that does not
    /// fit, so a burst of long answers cannot grow the process without bound.
    /// </summary>
    [Range(1024, 16L * 1024 * 1024 * 1024)]
    public long MaxQueuedBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Outcomes older than this are deleted by the retention job.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>At most this many outcomes are kept; the oldest go first.</summary>
    [Range(1, 100_000_000)]
    public int MaxRows { get; set; } = 100_000;

    /// <summary>Outcomes waiting to be written; past it new ones are dropped, counted and reported.</summary>
    [Range(16, 10_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most rows written in one transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>How long the writer waits for a batch to fill after its first row; zero writes what is there.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often the retention job runs (it also runs once at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Rows deleted per retention transaction, so the writer never waits long for the write lock.</summary>
    [Range(1, 100_000)]
    public int RetentionBatchSize { get; set; } = 500;

    /// <summary>How long a clean shutdown waits for the backlog to be written.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            yield return new ValidationResult("must be a valid file path.", [nameof(Path)]);
        }

        if (Path.EndsWith('/') || Path.EndsWith('\\'))
        {
            yield return new ValidationResult("must name a file, not a folder.", [nameof(Path)]);
        }

        if (BatchSize > QueueCapacity)
        {
            yield return new ValidationResult($"must not exceed {SectionName}:{nameof(QueueCapacity)} ({QueueCapacity}).", [nameof(BatchSize)]);
        }
    }
}
