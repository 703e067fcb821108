namespace TruthTable.Tests.Infrastructure;

/// <summary>A test class with its own fake upstream and TruthTable server, started before each test and stopped after.</summary>
public abstract class LiveServerTest : IAsyncLifetime
{
    protected FakeOpenAiUpstream Upstream { get; private set; } = null!;

    protected TruthTableServer Server { get; private set; } = null!;

    /// <summary>Settings over appsettings.json for this class's server.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        Upstream = await FakeOpenAiUpstream.StartAsync();
        Server = await TruthTableServer.StartAsync(Upstream.BaseAddress, Settings);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
