namespace TruthTable.Tests.Infrastructure;

/// <summary>For state that raises no event to await: checks it every few milliseconds, failing after a timeout.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition did not hold within {limit.TotalSeconds} s.");
            await Task.Delay(5);
        }
    }
}
