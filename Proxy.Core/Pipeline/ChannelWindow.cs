using System.Threading.Channels;

namespace TruthTable.Core.Pipeline;

/// <summary>
/// Waiting for more items within a batch window without an exception when the window closes. The history writer and
/// the hub's event sink close a window many times a second under steady load. A channel wait cancelled by the window
/// throws when its result is read (awaited or turned into a task), so each window's end was a first-chance
/// OperationCanceledException: 19 a second at 1,000 req/s, noise in every exception counter and APM trace for the
/// normal end of a batch. Here the wait is not cancelled but raced against the window.
/// </summary>
public static class ChannelWindow
{
    /// <summary>
    /// True once an item can be read; false when <paramref name="windowClosed"/> has completed or completes first (in
    /// any state), when the channel is complete and empty, or when <paramref name="cancellationToken"/> is cancelled.
    /// Never throws. A wait the window outlasts stays registered with the channel and ends, unobserved, with its next
    /// item.
    /// </summary>
    public static async ValueTask<bool> WaitToReadUntilAsync<T>(
        this ChannelReader<T> reader, Task windowClosed, CancellationToken cancellationToken)
    {
        if (windowClosed.IsCompleted)
        {
            return false; // as a cancelled wait did: a closed window takes no more, even if more is queued
        }

        var wait = reader.WaitToReadAsync(cancellationToken);
        if (wait.IsCompleted)
        {
            return wait.IsCompletedSuccessfully && wait.Result;
        }

        var waiting = wait.AsTask();
        if (await Task.WhenAny(waiting, windowClosed) != waiting)
        {
            return false;
        }

        return waiting.IsCompletedSuccessfully && waiting.Result;
    }
}
