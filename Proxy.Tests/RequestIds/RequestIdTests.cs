using TruthTable.Core.RequestIds;

namespace TruthTable.Tests.RequestIds;

public sealed class RequestIdTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("req_01HX.9:Z-a")]
    [InlineData("A")]
    public void IsValid_AllowedCharacters_True(string id) => Assert.True(RequestId.IsValid(id));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("slash/")]
    [InlineData("<script>")]
    [InlineData("ünïcode")]
    public void IsValid_DisallowedCharacters_False(string id) => Assert.False(RequestId.IsValid(id));

    [Fact]
    public void IsValid_LengthBoundary_128AllowedAnd129Rejected()
    {
        Assert.True(RequestId.IsValid(new string('a', 128)));
        Assert.False(RequestId.IsValid(new string('a', 129)));
    }

    [Fact]
    public void FromHeader_ValidHeader_Honoured() => Assert.Equal("mine-1", RequestId.FromHeader("mine-1"));

    [Theory]
    [InlineData(null)]
    [InlineData("bad id")]
    public void FromHeader_MissingOrInvalid_GeneratesValidNewId(string? header)
    {
        var id = RequestId.FromHeader(header);
        Assert.True(RequestId.IsValid(id));
        Assert.NotEqual(header, id);
        Assert.NotEqual(id, RequestId.FromHeader(header));
    }

    [Fact]
    public void Create_VersionSevenUuidWithTheCurrentTime()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = RequestId.Create();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Matches("^[0-9a-f]{32}$", id);
        var uuid = Guid.ParseExact(id, "N");
        Assert.Equal(7, uuid.Version);
        Assert.Contains(id[16], "89ab"); // RFC 9562 variant bits 10
        var milliseconds = Convert.ToInt64(id[..12], 16);
        Assert.InRange(milliseconds, before, after);
    }

    [Fact]
    public void Create_ManyThreadsPastTheirRandomBatches_NoIdRepeats()
    {
        // 8 threads x 2,000 ids: each thread refills its 4 KiB batch of random bytes four times.
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                ids.Add(RequestId.Create());
            }
        });

        Assert.Equal(16_000, ids.Distinct().Count());
        // Same millisecond, different random part: the random bits differ across ids, not just the time.
        Assert.Equal(16_000, ids.Select(id => id[12..]).Distinct().Count());
    }
}
