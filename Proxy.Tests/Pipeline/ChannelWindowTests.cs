using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using TruthTable.Core.Pipeline;

namespace TruthTable.Tests.Pipeline;

public sealed class ChannelWindowTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(50);

    private readonly FakeTimeProvider _clock = new();
    private readonly Channel<int> _channel = Channel.CreateBounded<int>(new BoundedChannelOptions(8) { SingleReader = true });

    /// <summary>A reader whose wait the test completes, and which records the token the wait was given.</summary>
    private sealed class RecordingReader : ChannelReader<int>
    {
        public TaskCompletionSource<bool> Wait { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken WaitToken { get; private set; }

        public override bool TryRead(out int item)
        {
            item = 0;
            return false;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
        {
            WaitToken = cancellationToken;
            return new ValueTask<bool>(Wait.Task);
        }
    }

    private Task WindowCloses() => Task.Delay(Window, _clock);

    [Fact]
    public async Task WaitToReadUntilAsync_ItemArrivesInTheWindow_True()
    {
        var wait = _channel.Reader.WaitToReadUntilAsync(WindowCloses(), CancellationToken.None);
        Assert.False(wait.IsCompleted);

        _channel.Writer.TryWrite(1);

        Assert.True(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WaitToReadUntilAsync_ItemAlreadyQueued_TrueAtOnce()
    {
        _channel.Writer.TryWrite(1);

        var wait = _channel.Reader.WaitToReadUntilAsync(WindowCloses(), CancellationToken.None);

        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitToReadUntilAsync_WindowCloses_False_TheNextItemStillReadable()
    {
        var wait = _channel.Reader.WaitToReadUntilAsync(WindowCloses(), CancellationToken.None);

        _clock.Advance(Window);

        Assert.False(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        _channel.Writer.TryWrite(7);
        Assert.True(await _channel.Reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(_channel.Reader.TryRead(out var item));
        Assert.Equal(7, item);
    }

    [Fact]
    public async Task WaitToReadUntilAsync_WindowAlreadyClosed_FalseThoughAnItemIsQueued()
    {
        _channel.Writer.TryWrite(1);

        var read = await _channel.Reader.WaitToReadUntilAsync(Task.CompletedTask, CancellationToken.None);

        Assert.False(read);
        Assert.True(_channel.Reader.TryRead(out _));
    }

    [Fact]
    public async Task WaitToReadUntilAsync_WindowCancelled_False()
    {
        using var windowOver = new CancellationTokenSource();
        var wait = _channel.Reader.WaitToReadUntilAsync(Task.Delay(Window, _clock, windowOver.Token), CancellationToken.None);

        await windowOver.CancelAsync();

        Assert.False(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WaitToReadUntilAsync_ChannelCompletes_False()
    {
        var wait = _channel.Reader.WaitToReadUntilAsync(WindowCloses(), CancellationToken.None);

        _channel.Writer.Complete();

        Assert.False(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WaitToReadUntilAsync_StoppingTokenCancelled_FalseWithoutThrowingToTheCaller()
    {
        using var stopping = new CancellationTokenSource();
        var wait = _channel.Reader.WaitToReadUntilAsync(WindowCloses(), stopping.Token);

        await stopping.CancelAsync();

        Assert.False(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WaitToReadUntilAsync_WindowCloses_TheChannelsWaitIsNotCancelled()
    {
        // A cancelled channel wait throws when its result is read: that was an exception at every window's end.
        var reader = new RecordingReader();
        using var stopping = new CancellationTokenSource();
        var wait = reader.WaitToReadUntilAsync(WindowCloses(), stopping.Token);

        _clock.Advance(Window);

        Assert.False(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(reader.WaitToken.IsCancellationRequested);
        Assert.Equal(stopping.Token, reader.WaitToken);
        Assert.False(reader.Wait.Task.IsCompleted);
    }
}
