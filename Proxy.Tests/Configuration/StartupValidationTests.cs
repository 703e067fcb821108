using Microsoft.Extensions.Options;
using TruthTable.Tests.Infrastructure;

namespace TruthTable.Tests.Configuration;

public sealed class StartupValidationTests
{
    [Fact]
    public async Task Start_BadValues_StopsWithMessageNamingEveryKey()
    {
        await using var server = new TruthTableServer(new Uri("http://127.0.0.1:9"), new Dictionary<string, string?>
        {
            ["Audit:Workers"] = "0",
            ["Audit:QueueCapacity"] = "-5",
            ["Hub:StatsInterval"] = "00:00:00",
        });

        var error = Assert.ThrowsAny<Exception>(() => server.StartServer());

        var failures = error is AggregateException a ? a.Flatten().InnerExceptions : [error];
        var messages = string.Join("\n", failures.Select(f => Assert.IsType<OptionsValidationException>(f).Message));
        Assert.Contains("Audit:Workers", messages);
        Assert.Contains("Audit:QueueCapacity", messages);
        Assert.Contains("Hub:StatsInterval", messages);
    }

    [Fact]
    public async Task Start_MissingUpstream_StopsNamingProxyUpstream()
    {
        await using var server = new TruthTableServer(new Uri("http://127.0.0.1:9"), new Dictionary<string, string?>
        {
            ["Proxy:Upstream"] = "",
        });

        var error = Assert.ThrowsAny<Exception>(() => server.StartServer());

        Assert.Contains("Proxy:Upstream", error.ToString());
    }
}
