using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using TruthTable.Audit.V1;
using TruthTable.Core.Auditing;
using TruthTable.Core.Configuration;
using TruthTable.Core.Engine;
using TruthTable.Host.EmbeddedEngine;

namespace TruthTable.Tests.Auditing;

public sealed class AuditResultTrailerTests
{
    [Fact]
    public void Read_HandedOver_ReturnsThatObjectWithoutBytes()
    {
        var result = Result();
        var trailers = new Metadata();

        AuditResultTrailer.HandOver(trailers, result);

        Assert.Same(result, AuditResultTrailer.Read(trailers));
        Assert.Null(trailers.GetValueBytes(AuditResultTrailer.TrailerKey));
    }

    [Fact]
    public void Read_HandedOverOverTheTrailerLimit_StillReturnsIt()
    {
        var result = Result();
        result.ReasoningTrace = new string('x', AuditResultTrailer.MaxBytes * 2);
        var trailers = new Metadata();

        AuditResultTrailer.HandOver(trailers, result);

        Assert.Same(result, AuditResultTrailer.Read(trailers));
    }

    [Fact]
    public void Read_AttachedAsBytesOnly_ParsesAnEqualCopy()
    {
        var result = Result();
        var trailers = new Metadata();

        AuditResultTrailer.Attach(trailers, result.ToByteArray());
        var read = AuditResultTrailer.Read(trailers);

        Assert.Equal(result, read);
        Assert.NotSame(result, read);
    }

    [Fact]
    public void Read_TrailersOfTheirOwn_AsOverTheNetwork_ParsesAnEqualCopy()
    {
        var result = Result();
        var sent = new Metadata();
        AuditResultTrailer.Attach(sent, result.ToByteArray());
        AuditResultTrailer.HandOver(sent, result);
        var received = new Metadata { { AuditResultTrailer.TrailerKey, sent.GetValueBytes(AuditResultTrailer.TrailerKey)! } };

        var read = AuditResultTrailer.Read(received);

        Assert.Equal(result, read);
        Assert.NotSame(result, read);
    }

    [Theory]
    [InlineData(InProcessServerCallContext.InProcessPeer, true)]
    [InlineData("ipv4:127.0.0.1:50123", false)]
    public void EmbeddedSubmitAudit_HandsItsObjectOverOnlyInProcess(string peer, bool handedOver)
    {
        var service = new EmbeddedAuditService(new FaithfulnessAuditor(),
            new EmbeddedResultStore(Options.Create(new EmbeddedEngineOptions())), TimeProvider.System);
        var context = new PeerCallContext(peer, AuditResultTrailer.Ask());

        service.SubmitAudit(new AuditRequest { RequestId = "r-1", Response = "Amsterdam is the capital." }, context);
        var first = AuditResultTrailer.Read(context.ResponseTrailers);
        var second = AuditResultTrailer.Read(context.ResponseTrailers);

        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.Equal(handedOver, ReferenceEquals(first, second)); // parsing makes a new object every time
        // Bytes only for a network peer: in process Metadata would copy them and nobody would read them.
        Assert.Equal(handedOver, context.ResponseTrailers.GetValueBytes(AuditResultTrailer.TrailerKey) is null);
    }

    private static AuditResult Result() => new()
    {
        AuditId = "a-1",
        RequestId = "r-1",
        Status = AuditStatus.Completed,
        FaithfulnessScore = 0.5f,
        Claims = { new ClaimVerification { Claim = "Amsterdam is the capital.", Status = VerificationStatus.Supported } },
    };

    /// <summary>A server call from a given peer with given headers; everything else unused.</summary>
    private sealed class PeerCallContext(string peer, Metadata requestHeaders) : ServerCallContext
    {
        private readonly Metadata _trailers = [];

        protected override string MethodCore => "/truthtable.audit.v1.AuditService/SubmitAudit";
        protected override string HostCore => "localhost";
        protected override string PeerCore => peer;
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore => requestHeaders;
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore => _trailers;
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore { get; } = new(null, new Dictionary<string, List<AuthProperty>>());

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();
    }
}
