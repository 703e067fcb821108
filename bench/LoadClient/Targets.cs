namespace TruthTable.Bench.LoadClient;

/// <summary>One server the load client measures, with its own connection pool.</summary>
public sealed record Target(string Label, Uri Url, HttpClient Client)
{
    /// <summary>
    /// <c>--targets "label=url,label=url"</c> to interleave several servers in one run, or <c>--url U --label L</c> for one.
    /// </summary>
    public static IReadOnlyList<Target> FromArgs(BenchArgs options)
    {
        var list = options.Get("targets", "");
        var pairs = list.Length > 0
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => p.Split('=', 2) is [var label, var url] ? (label, url) : throw new ArgumentException($"--targets: '{p}' is not label=url"))
                .ToArray()
            : [(options.Get("label"), options.Get("url"))];
        return pairs.Select(p => new Target(p.Item1, new Uri(p.Item2), ChatRequests.CreateClient())).ToArray();
    }

    /// <summary>
    /// The targets in the order round <paramref name="round"/> visits them: each round starts one further along, so no
    /// target always follows the same one (and inherits its leftover work) or always goes first.
    /// </summary>
    public static IEnumerable<Target> InRound(IReadOnlyList<Target> targets, int round) =>
        Enumerable.Range(0, targets.Count).Select(i => targets[(round + i) % targets.Count]);
}
