using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace TruthTable.Tests.Infrastructure;

/// <summary>
/// An OpenAI-compatible upstream on a real loopback port. Answers chat completions as JSON, or as SSE when the
/// request says "stream": true. Headers named X-Fake-* steer it (status, gzip, reset mid-stream, chunk delay).
/// It records what it received, so tests can check what the proxy forwarded.
/// </summary>
public sealed class FakeOpenAiUpstream : IAsyncDisposable
{
    public const string AnswerHeader = "X-Fake-Answer";
    public const string StatusHeader = "X-Fake-Status";
    public const string GzipHeader = "X-Fake-Gzip";
    public const string ResetAfterChunksHeader = "X-Fake-Reset-After";
    public const string ChunkDelayHeader = "X-Fake-Chunk-Delay-Ms";
    public const string DefaultAnswer = "Amsterdam is the capital of the Netherlands.";

    private readonly WebApplication _app;

    private FakeOpenAiUpstream(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Exact bytes of the last response body the upstream wrote, for byte-for-byte comparisons.</summary>
    public byte[] LastResponseBody { get; private set; } = [];

    public sealed record ReceivedRequest(string Path, string? Authorization, string? RequestId, string? TraceParent, string Body);

    public static async Task<FakeOpenAiUpstream> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var upstream = new FakeOpenAiUpstream(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/v1/chat/completions", upstream.ChatAsync);
        app.MapPost("/v1/completions", upstream.ChatAsync);
        app.MapGet("/v1/models", () => Results.Json(new { data = new[] { new { id = "fake-model" } } }));
        await app.StartAsync();
        return upstream;
    }

    private async Task ChatAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        Received.Enqueue(new ReceivedRequest(context.Request.Path, context.Request.Headers.Authorization,
            context.Request.Headers["X-Request-ID"], context.Request.Headers.TraceParent, body));

        var headers = context.Request.Headers;
        var answer = headers.TryGetValue(AnswerHeader, out var a) ? Uri.UnescapeDataString(a!) : DefaultAnswer;
        var status = headers.TryGetValue(StatusHeader, out var s) ? int.Parse(s!) : 200;
        context.Response.Headers["X-Request-ID"] = "upstream-own-id";
        if (status != 200)
        {
            context.Response.StatusCode = status;
            await WriteAsync(context, Encoding.UTF8.GetBytes("""{"error":{"message":"fake failure"}}"""), "application/json");
            return;
        }

        using var request = JsonDocument.Parse(body);
        var stream = request.RootElement.TryGetProperty("stream", out var st) && st.ValueKind == JsonValueKind.True;
        if (!stream)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                model = "fake-model",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
            });
            if (headers.ContainsKey(GzipHeader))
            {
                json = Gzip(json);
                context.Response.Headers.ContentEncoding = "gzip";
            }

            await WriteAsync(context, json, "application/json");
            return;
        }

        await StreamAsync(context, answer);
    }

    private async Task StreamAsync(HttpContext context, string answer)
    {
        var headers = context.Request.Headers;
        var resetAfter = headers.TryGetValue(ResetAfterChunksHeader, out var r) ? int.Parse(r!) : int.MaxValue;
        var delayMs = headers.TryGetValue(ChunkDelayHeader, out var d) ? int.Parse(d!) : 0;
        context.Response.ContentType = "text/event-stream";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var written = new MemoryStream();
        var words = answer.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (i == resetAfter)
            {
                await context.Response.Body.FlushAsync();
                await Task.Delay(200); // let the chunks reach the proxy: a reset discards unread data
                ResetConnection(context); // an upstream that resets mid-stream
                LastResponseBody = written.ToArray();
                return;
            }

            var piece = i == 0 ? words[i] : " " + words[i];
            var chunk = JsonSerializer.Serialize(new
            {
                id = "chatcmpl-1",
                model = "fake-model",
                choices = new[] { new { index = 0, delta = new { content = piece } } },
            });
            var bytes = Encoding.UTF8.GetBytes($"data: {chunk}\n\n");
            written.Write(bytes);
            await context.Response.Body.WriteAsync(bytes);
            await context.Response.Body.FlushAsync();
            if (delayMs > 0)
            {
                await Task.Delay(delayMs);
            }
        }

        var done = "data: [DONE]\n\n"u8.ToArray();
        written.Write(done);
        await context.Response.Body.WriteAsync(done);
        LastResponseBody = written.ToArray();
    }

    /// <summary>A TCP reset (linger 0), as a crashed upstream gives; Kestrel's Abort alone can end HTTP/1.1 cleanly.</summary>
    private static void ResetConnection(HttpContext context)
    {
        var socket = context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()?.Socket;
        socket?.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        socket?.Close();
        context.Abort();
    }

    private async Task WriteAsync(HttpContext context, byte[] body, string contentType)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        LastResponseBody = body;
        await context.Response.Body.WriteAsync(body);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
