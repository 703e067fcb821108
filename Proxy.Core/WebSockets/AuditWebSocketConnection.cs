using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace TruthTable.Core.WebSockets;

/// <summary>
/// One /ws client: a bounded queue of ready-made frames drained by a send loop, and a receive loop that answers
/// the close handshake and enforces the read limit (client messages are otherwise ignored, as by the Go hub).
/// </summary>
internal sealed class AuditWebSocketConnection
{
    private readonly WebSocket _socket;
    private readonly AuditWebSocketOptions _options;
    private readonly Channel<byte[]> _outbound;
    private readonly CancellationTokenSource _abort = new();
    private int _lagged;
    private bool _completed;

    public AuditWebSocketConnection(WebSocket socket, AuditWebSocketOptions options)
    {
        _socket = socket;
        _options = options;
        // Wait mode only makes TryWrite report "full"; nothing ever waits on it.
        _outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>True once the connection was dropped for not keeping up.</summary>
    public bool Lagged => Volatile.Read(ref _lagged) == 1;

    /// <summary>Queues a frame without waiting. A socket whose queue is full is aborted (off this thread).</summary>
    public void Enqueue(byte[] frame)
    {
        if (_outbound.Writer.TryWrite(frame) || Volatile.Read(ref _completed) || Interlocked.Exchange(ref _lagged, 1) == 1)
        {
            return;
        }

        Complete();
        // Its send is stuck on a full TCP window, so no close frame can get through: abort. CancelAsync runs the
        // cancellation callbacks (which abort the socket) on the thread pool, not on the publisher's thread.
        _ = _abort.CancelAsync();
    }

    /// <summary>Asks the connection to finish: queued frames are sent, then the socket is closed as going away.</summary>
    public void Complete()
    {
        Volatile.Write(ref _completed, true);
        _outbound.Writer.TryComplete();
    }

    /// <summary>Serves the socket until either side closes it, it breaks, or it is aborted; returns how it closed.</summary>
    public async Task<WebSocketCloseStatus?> RunAsync(CancellationToken aborted)
    {
        // _abort is deliberately not disposed: a late Enqueue may still cancel it, and it owns no timer or handle.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _abort.Token);
        var receiving = ReceiveAsync(linked.Token);
        var sending = SendAsync(linked.Token);
        try
        {
            if (await Task.WhenAny(receiving, sending) == receiving)
            {
                var status = await receiving;
                Complete();
                await sending.WaitAsync(_options.CloseTimeout, linked.Token);
                if (status == WebSocketCloseStatus.MessageTooBig)
                {
                    // Close and read (discarding) up to the client's close frame, so the rest of its oversized
                    // message is not left unread, which would reset the connection before our close frame arrives.
                    using var closing = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                    closing.CancelAfter(_options.CloseTimeout);
                    await _socket.CloseAsync(status, $"Messages are limited to {_options.MaxReceiveMessageBytes} bytes.", closing.Token);
                }
                else
                {
                    await _socket.CloseOutputAsync(status, _socket.CloseStatusDescription, linked.Token);
                }

                return status;
            }

            // Completed and drained (the host is stopping): close as going away, then await the client's close frame.
            await sending;
            await _socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "The server is stopping.", linked.Token);
            await receiving.WaitAsync(_options.CloseTimeout, linked.Token);
            return WebSocketCloseStatus.EndpointUnavailable;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or IOException)
        {
            _socket.Abort();
            return null;
        }
        finally
        {
            Complete();
            if (!receiving.IsCompleted || !sending.IsCompleted)
            {
                _socket.Abort(); // only after a failure not handled above; it ends both loops
            }

            // Their exceptions, if any, were handled above or are the failure already propagating.
            await Task.WhenAll(receiving, sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        await foreach (var frame in _outbound.Reader.ReadAllAsync(cancellationToken))
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
    }

    private async Task<WebSocketCloseStatus> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            long messageBytes = 0;
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return _socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure;
                }

                messageBytes += result.Count;
                if (messageBytes > _options.MaxReceiveMessageBytes)
                {
                    return WebSocketCloseStatus.MessageTooBig;
                }

                if (result.EndOfMessage)
                {
                    messageBytes = 0;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
