using Microsoft.Extensions.Options;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.History;

public sealed class HistoryOptionsTests
{
    private static string StartFailure(Dictionary<string, string?> settings)
    {
        using var server = new TruthTableServer(new Uri("http://127.0.0.1:9"), settings);
        var error = Assert.ThrowsAny<Exception>(() => server.StartServer());
        var failures = error is AggregateException a ? a.Flatten().InnerExceptions : [error];
        return string.Join("\n", failures.Select(f => Assert.IsType<OptionsValidationException>(f).Message));
    }

    [Fact]
    public void Start_BadHistoryValues_StopsNamingEveryKey()
    {
        var messages = StartFailure(new()
        {
            ["History:MaxRows"] = "0",
            ["History:MaxAge"] = "00:00:10",
            ["History:QueueCapacity"] = "1",
            ["History:BatchWindow"] = "00:01:00",
            ["History:RetentionBatchSize"] = "0",
        });

        Assert.Contains("History:MaxRows", messages);
        Assert.Contains("History:MaxAge", messages);
        Assert.Contains("History:QueueCapacity", messages);
        Assert.Contains("History:BatchWindow", messages);
        Assert.Contains("History:RetentionBatchSize", messages);
    }

    [Fact]
    public void Start_BatchLargerThanQueue_StopsNamingBatchSize()
    {
        var messages = StartFailure(new() { ["History:QueueCapacity"] = "100", ["History:BatchSize"] = "200" });

        Assert.Contains("History:BatchSize", messages);
        Assert.Contains("History:QueueCapacity (100)", messages);
    }

    [Fact]
    public void Start_PathNamingAFolder_StopsNamingPath()
    {
        var messages = StartFailure(new() { ["History:Path"] = "data/" });

        Assert.Contains("History:Path", messages);
    }
}
