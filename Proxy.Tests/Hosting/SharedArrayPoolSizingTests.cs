using TruthTable.Host.Hosting;

namespace TruthTable.Tests.Hosting;

public sealed class SharedArrayPoolSizingTests
{
    [Fact]
    public void Apply_NoOperatorValue_SetsTheFeedSizedLimit()
    {
        var environment = new Dictionary<string, string>();

        var inEffect = SharedArrayPoolSizing.Apply(environment.GetValueOrDefault, (name, value) => environment[name] = value);

        Assert.Equal("1024", inEffect);
        Assert.Equal("1024", environment[SharedArrayPoolSizing.MaxArraysPerPartitionVariable]);
    }

    [Fact]
    public void Apply_OperatorValue_LeftAlone()
    {
        var environment = new Dictionary<string, string> { [SharedArrayPoolSizing.MaxArraysPerPartitionVariable] = "64" };

        var inEffect = SharedArrayPoolSizing.Apply(environment.GetValueOrDefault, (name, value) => environment[name] = value);

        Assert.Equal("64", inEffect);
        Assert.Equal("64", environment[SharedArrayPoolSizing.MaxArraysPerPartitionVariable]);
    }
}
