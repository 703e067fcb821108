using System.Buffers;
using Microsoft.AspNetCore.Http;
using TruthTable.Core.Capture;

namespace TruthTable.Tests.Capture;

public sealed class BodyTeeTests
{
    [Fact]
    public async Task RequestBodyTee_ReadToEnd_CopiesBytes()
    {
        var data = "{\"model\":\"m\"}"u8.ToArray();
        using var capture = new CaptureBuffer(1024);
        var tee = new RequestBodyTee(new MemoryStream(data), capture);

        var read = new MemoryStream();
        await tee.CopyToAsync(read, bufferSize: 3);

        Assert.Equal(data, read.ToArray());
        Assert.Equal(data, capture.AsSequence().ToArray());
    }

    [Fact]
    public async Task RequestBodyTee_ZeroByteRead_PassesThroughWithoutCopying()
    {
        using var capture = new CaptureBuffer(1024);
        var tee = new RequestBodyTee(new MemoryStream("abc"u8.ToArray()), capture);

        var read = await tee.ReadAsync(Memory<byte>.Empty);

        Assert.Equal(0, read);
        Assert.Equal(0, capture.Length);
    }

    [Fact]
    public async Task ResponseBodyTee_Write_CopiesBeforeCallerReusesBuffer()
    {
        using var capture = new CaptureBuffer(1024);
        var inner = new MemoryStream();
        var tee = new ResponseBodyTee(inner, capture, new DefaultHttpContext().Response);
        var shared = "data: one\n\n"u8.ToArray();

        await tee.WriteAsync(shared);
        "data: two\n\n"u8.CopyTo(shared); // YARP reuses its pooled buffer once the write returns
        await tee.WriteAsync(shared);

        Assert.Equal("data: one\n\ndata: two\n\n", System.Text.Encoding.UTF8.GetString(capture.AsSequence().ToArray()));
        Assert.Equal(capture.AsSequence().ToArray(), inner.ToArray());
    }

    [Fact]
    public async Task ResponseBodyTee_FirstWrite_TakesTheResponsesContentLengthAsExpected()
    {
        using var capture = new CaptureBuffer(1024 * 1024);
        var context = new DefaultHttpContext();
        var tee = new ResponseBodyTee(new MemoryStream(), capture, context.Response);

        context.Response.ContentLength = 300;
        await tee.WriteAsync(new byte[100]);
        context.Response.ContentLength = 9_000;
        await tee.WriteAsync(new byte[100]);

        Assert.Equal(300, capture.ExpectedLength);
    }
}
