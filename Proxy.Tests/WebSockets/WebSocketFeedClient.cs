using System.Net.WebSockets;
using System.Text.Json;

namespace TruthTable.Tests.WebSockets;

/// <summary>A plain ClientWebSocket on /ws that reads whole text frames as JSON and awaits matching ones.</summary>
internal sealed class WebSocketFeedClient : IAsyncDisposable
{
    private readonly List<JsonElement> _seen = [];

    private WebSocketFeedClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    /// <summary>Every frame read so far, in order.</summary>
    public IReadOnlyList<JsonElement> Seen => _seen;

    /// <summary>Forgets the frames read so far (for tests that read many large ones).</summary>
    public void Forget() => _seen.Clear();

    public static async Task<WebSocketFeedClient> ConnectAsync(Uri httpBase, string path = "/ws")
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(new Uri(httpBase, path)) { Scheme = "ws" }.Uri;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, cts.Token);
        return new WebSocketFeedClient(socket);
    }

    /// <summary>Reads frames until one of <paramref name="type"/> matches; earlier frames count too.</summary>
    public async Task<JsonElement> WaitForAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        bool Matches(JsonElement frame) =>
            frame.GetProperty("type").GetString() == type && (match?.Invoke(frame.GetProperty("payload")) ?? true);

        foreach (var earlier in _seen.Where(Matches))
        {
            return earlier;
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var frame = await ReceiveAsync(cts.Token)
                    ?? throw new InvalidOperationException($"The server closed the socket ({Socket.CloseStatus}) before a {type} frame.");
                if (Matches(frame))
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException)
        {
            var types = string.Join(", ", _seen.Select(f => f.GetProperty("type").GetString()));
            throw new TimeoutException($"No matching {type} frame arrived in time. Seen: [{types}]");
        }
    }

    /// <summary>The next whole text frame as JSON, or null once the server has closed the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // Complete the close handshake, as a well-behaved client does.
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                return null;
            }

            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                var frame = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                _seen.Add(frame);
                return frame;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }

        Socket.Dispose();
    }
}
