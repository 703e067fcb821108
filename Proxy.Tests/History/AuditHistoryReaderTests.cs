using TruthTable.Core.History;

namespace TruthTable.Tests.History;

public sealed class AuditHistoryReaderTests
{
    private static async Task<HistoryHarness> SeededAsync()
    {
        var history = await HistoryHarness.StartAsync();
        await history.PublishAsync(
            HistoryEvents.Complete("a-1", grade: "A", model: "gpt-4o", question: "Where is the Rijksmuseum?", answer: "The Rijksmuseum is in Amsterdam."),
            HistoryEvents.Complete("f-1", grade: "F", score: 0.2, hallucinated: true, model: "gpt-4o", answer: "Rotterdam is the capital of the Netherlands."),
            HistoryEvents.Complete("c-1", grade: "C", score: 0.65, hallucinated: true, model: "llama3", answer: "Amsterdam has about nine million people."),
            HistoryEvents.Failed("x-1", reason: "timeout"),
            HistoryEvents.Failed("s-1", reason: "too_large", skipped: true));
        return history;
    }

    private static async Task<string[]> IdsAsync(HistoryHarness history, AuditQuery query) =>
        (await history.AllAsync(query)).Select(s => s.RequestId).ToArray();

    [Fact]
    public async Task ListAsync_NoFilter_NewestFirstWithDashboardFields()
    {
        await using var history = await SeededAsync();

        var rows = await history.AllAsync();

        Assert.Equal(["s-1", "x-1", "c-1", "f-1", "a-1"], rows.Select(r => r.RequestId));
        var f = rows.Single(r => r.RequestId == "f-1");
        Assert.Equal(("complete", "gpt-4o", 0.2, "F", "partially_faithful", true, 1, 2),
            (f.Outcome, f.Model, f.TrustScore!.Value, f.Grade, f.Verdict, f.HallucinationDetected!.Value, f.SupportedClaims!.Value, f.TotalClaims!.Value));
        Assert.Equal(HistoryEvents.T0, f.Timestamp);
        var skipped = rows.Single(r => r.RequestId == "s-1");
        Assert.Equal(("skipped", "too_large"), (skipped.Outcome, skipped.Reason));
    }

    [Theory]
    [InlineData("F", new[] { "f-1" })]
    [InlineData("A", new[] { "a-1" })]
    [InlineData("B", new string[0])]
    public async Task ListAsync_GradeFilter_OnlyThatGrade(string grade, string[] expected)
    {
        await using var history = await SeededAsync();

        Assert.Equal(expected, await IdsAsync(history, new AuditQuery { Grade = grade }));
    }

    [Fact]
    public async Task ListAsync_HallucinatedFilter_CompletedAuditsWithOrWithout()
    {
        await using var history = await SeededAsync();

        Assert.Equal(["c-1", "f-1"], await IdsAsync(history, new AuditQuery { Hallucinated = true }));
        Assert.Equal(["a-1"], await IdsAsync(history, new AuditQuery { Hallucinated = false }));
    }

    [Fact]
    public async Task ListAsync_ModelFilter_ExactModelOnly()
    {
        await using var history = await SeededAsync();

        Assert.Equal(["f-1", "a-1"], await IdsAsync(history, new AuditQuery { Model = "gpt-4o" }));
        Assert.Empty(await IdsAsync(history, new AuditQuery { Model = "gpt" }));
    }

    [Theory]
    [InlineData("rijksmuseum", new[] { "a-1" })]          // in question and answer, any case
    [InlineData("Rotter", new[] { "f-1" })]               // a word prefix
    [InlineData("amsterdam million", new[] { "c-1" })]    // every word must occur
    [InlineData("capital", new[] { "s-1", "x-1", "c-1", "f-1" })] // the default question of the failures too
    [InlineData("berlin", new string[0])]
    public async Task ListAsync_TextFilter_SearchesQuestionAndAnswer(string text, string[] expected)
    {
        await using var history = await SeededAsync();

        Assert.Equal(expected, await IdsAsync(history, new AuditQuery { Text = text }));
    }

    [Theory]
    [InlineData("rotterdam*", new[] { "f-1" })]
    [InlineData("\"rijksmuseum\"", new[] { "a-1" })]
    [InlineData("amsterdam -million", new[] { "c-1" })]                       // not a NOT
    [InlineData("rotterdam OR berlin", new string[0])]                         // not an OR
    [InlineData("capital:netherlands", new[] { "s-1", "x-1", "c-1", "f-1" })] // not a column filter
    [InlineData("NEAR(rijksmuseum", new string[0])]
    public async Task ListAsync_TextWithSearchSyntax_TakenAsPlainWords(string text, string[] expected)
    {
        await using var history = await SeededAsync();

        Assert.Equal(expected, await IdsAsync(history, new AuditQuery { Text = text }));
    }

    [Fact]
    public async Task ListAsync_CombinedFilters_AllMustMatch()
    {
        await using var history = await SeededAsync();

        var query = new AuditQuery { Model = "gpt-4o", Hallucinated = true, Grade = "F", Text = "rotterdam" };

        Assert.Equal(["f-1"], await IdsAsync(history, query));
        Assert.Empty(await IdsAsync(history, query with { Grade = "C" }));
    }

    [Fact]
    public async Task ListAsync_PagesWhileNewOutcomesArrive_NeitherSkipsNorRepeats()
    {
        await using var history = await HistoryHarness.StartAsync();
        await history.PublishAsync(Enumerable.Range(0, 25).Select(i => HistoryEvents.Complete($"old-{i:00}")).ToArray());

        var seen = new List<string>();
        var query = new AuditQuery { Limit = 10 };
        var pages = 0;
        while (true)
        {
            var page = await history.Reader.ListAsync(query, CancellationToken.None);
            seen.AddRange(page.Items.Select(i => i.RequestId));
            pages++;
            // New outcomes between pages (the newest page moves on; the cursor does not).
            await history.PublishAsync(Enumerable.Range(0, 7).Select(i => HistoryEvents.Complete($"new-{pages}-{i}")).ToArray());
            if (page.NextCursor is null)
            {
                break;
            }

            Assert.True(AuditCursor.TryParse(page.NextCursor, out var cursor));
            query = query with { Before = cursor };
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"old-{i:00}"), seen);
    }

    [Fact]
    public async Task ListAsync_ExactlyOneFullPage_HasNoNextCursor()
    {
        await using var history = await HistoryHarness.StartAsync();
        await history.PublishAsync(Enumerable.Range(0, 10).Select(i => HistoryEvents.Complete($"r-{i}")).ToArray());

        var page = await history.Reader.ListAsync(new AuditQuery { Limit = 10 }, CancellationToken.None);

        Assert.Equal(10, page.Items.Count);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task FindLatestAsync_ReusedRequestId_ReturnsTheLatestOutcome()
    {
        await using var history = await HistoryHarness.StartAsync();

        await history.PublishAsync(HistoryEvents.Failed("same", reason: "timeout"), HistoryEvents.Complete("same", grade: "B"));

        var record = await history.Reader.FindLatestAsync("same", CancellationToken.None);
        Assert.Equal(("complete", "B"), (record!.Outcome, record.Grade));
        Assert.Null(await history.Reader.FindLatestAsync("unknown", CancellationToken.None));
    }

    [Fact]
    public async Task StatsAsync_Window_CountsOnlyRecentOutcomesWithPercentiles()
    {
        await using var history = await HistoryHarness.StartAsync();
        var now = history.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var events = new List<TruthTable.Core.Events.AuditEventEnvelope>();
        for (var i = 1; i <= 20; i++) // audit times 10, 20, ... 200 ms
        {
            var started = now - 60_000 - i * 10;
            events.Add(HistoryEvents.Started($"w-{i}", timestamp: started));
            events.Add(HistoryEvents.Complete($"w-{i}", score: i <= 10 ? 1.0 : 0.5, hallucinated: i > 15, timestamp: now - 60_000));
        }

        events.Add(HistoryEvents.Failed("w-failed", timestamp: now - 1000));
        events.Add(HistoryEvents.Failed("w-skipped", reason: "too_large", skipped: true, timestamp: now - 1000));
        events.Add(HistoryEvents.Complete("outside", score: 0, timestamp: now - 2 * 3_600_000)); // 2 h ago
        await history.PublishAsync([.. events]);

        var stats = await history.Reader.StatsAsync("1h", TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal((22L, 20L, 1L, 1L), (stats.Total, stats.Complete, stats.Failed, stats.Skipped));
        Assert.Equal((5L, 0.25), (stats.Hallucinated, stats.HallucinationRate));
        Assert.Equal(0.75, stats.AverageScore);
        Assert.Equal((100L, 190L), (stats.AuditTimeP50Ms!.Value, stats.AuditTimeP95Ms!.Value));
        Assert.Equal(now - 3_600_000, stats.From);

        var wide = await history.Reader.StatsAsync("1d", TimeSpan.FromDays(1), CancellationToken.None);
        Assert.Equal(23L, wide.Total);
    }

    [Fact]
    public async Task StatsAsync_EmptyWindow_ZeroCountsAndNoPercentiles()
    {
        await using var history = await HistoryHarness.StartAsync();

        var stats = await history.Reader.StatsAsync("15m", TimeSpan.FromMinutes(15), CancellationToken.None);

        Assert.Equal((0L, 0.0, null, null, null), (stats.Total, stats.HallucinationRate, stats.AverageScore, stats.AuditTimeP50Ms, stats.AuditTimeP95Ms));
    }

    [Theory]
    [InlineData("15m", 15 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("24h", 86_400)]
    [InlineData("7d", 604_800)]
    public void StatsWindow_ValidText_Parsed(string text, int seconds)
    {
        Assert.True(StatsWindow.TryParse(text, out var window));
        Assert.Equal(TimeSpan.FromSeconds(seconds), window);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("h")]
    [InlineData("0h")]
    [InlineData("-1h")]
    [InlineData("1y")]
    [InlineData("1.5h")]
    [InlineData("367d")]
    [InlineData(" 1h")]
    public void StatsWindow_BadText_Rejected(string text) => Assert.False(StatsWindow.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("AQAAAAAAAAAA")] // version 1, position 0
    [InlineData("AgAAAAAAAAAB")] // unknown version
    [InlineData("AQAAAAAAAAAB==")]
    public void AuditCursor_NotFromAPage_Rejected(string text) => Assert.False(AuditCursor.TryParse(text, out _));

    [Fact]
    public void AuditCursor_RoundTrip_SamePosition()
    {
        var text = new AuditCursor(123_456_789).ToString();

        Assert.True(AuditCursor.TryParse(text, out var parsed));
        Assert.Equal(123_456_789, parsed.Position);
    }
}
