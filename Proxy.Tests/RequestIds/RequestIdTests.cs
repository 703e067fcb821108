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
}
