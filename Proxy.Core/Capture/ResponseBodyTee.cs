using Microsoft.AspNetCore.Http;

namespace TruthTable.Core.Capture;

/// <summary>
/// Wraps the outgoing response body: each write is copied into a <see cref="CaptureBuffer"/> before it is
/// forwarded (YARP reuses its pooled buffer once the write returns), and flushes pass through so SSE events
/// reach the client as the upstream sends them. The response's Content-Length, known once the headers are copied,
/// sizes the capture's first segment.
/// </summary>
internal sealed class ResponseBodyTee(Stream inner, CaptureBuffer capture, HttpResponse response) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ExpectLength();
        capture.Append(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ExpectLength();
        capture.Append(buffer);
        inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private void ExpectLength()
    {
        if (capture.BytesSeen == 0)
        {
            capture.ExpectedLength = response.ContentLength;
        }
    }
}
