using System.Text;
using Microsoft.AspNetCore.Http;

namespace TruthTable.Bench.FakeUpstream;

/// <summary>The three response shapes of the benchmark, built once at start.</summary>
public static class BenchResponses
{
    public const string ShapeHeader = "X-Bench-Shape";
    public const string GapHeader = "X-Bench-Gap-Ms";
    public const int SseChunkCount = 200;
    public const int BigBytes = 64 * 1024;

    private const string Sentence = "Amsterdam is the capital of the Netherlands. ";

    private static readonly byte[] Small = Completion("Amsterdam is the capital of the Netherlands.");
    private static readonly byte[] Big = Completion(Repeat(BigBytes - 300));
    private static readonly byte[][] Chunks = BuildChunks();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>The small chat completion (shape json).</summary>
    public static ReadOnlyMemory<byte> SmallBody => Small;

    /// <summary>The 64 KiB chat completion (shape big).</summary>
    public static ReadOnlyMemory<byte> BigBody => Big;

    /// <summary>The 200 SSE chunks (shape sse) as written, one array each, without the [DONE] sentinel.</summary>
    public static IReadOnlyList<byte[]> SseChunks => Chunks;

    /// <summary>The whole SSE body, sentinel included, as the capture tee keeps it.</summary>
    public static byte[] SseBody() => [.. Chunks.SelectMany(c => c), .. Done];

    public static async Task WriteAsync(HttpContext context)
    {
        // Drain the request so the connection can be reused; its content does not matter here.
        var sink = new byte[4096];
        while (await context.Request.Body.ReadAsync(sink, context.RequestAborted) > 0)
        {
        }

        var response = context.Response;
        var shape = context.Request.Headers[ShapeHeader].ToString();
        if (shape == "sse")
        {
            var gapMs = int.TryParse(context.Request.Headers[GapHeader], out var g) ? g : 0;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            await response.StartAsync(context.RequestAborted);
            using var timer = gapMs > 0 ? new PeriodicTimer(TimeSpan.FromMilliseconds(gapMs)) : null;
            foreach (var chunk in Chunks)
            {
                if (timer is not null)
                {
                    await timer.WaitForNextTickAsync(context.RequestAborted);
                }

                await response.Body.WriteAsync(chunk, context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
            }

            await response.Body.WriteAsync(Done, context.RequestAborted);
            return;
        }

        var body = shape == "big" ? Big : Small;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static string Repeat(int length)
    {
        var text = new StringBuilder(length + Sentence.Length);
        while (text.Length < length)
        {
            text.Append(Sentence);
        }

        return text.ToString(0, length).TrimEnd();
    }

    private static byte[] Completion(string content) => Encoding.UTF8.GetBytes(
        $$$"""{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"{{{content}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30}}""");

    private static byte[][] BuildChunks()
    {
        var words = Sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var chunks = new byte[SseChunkCount][];
        for (var i = 0; i < SseChunkCount; i++)
        {
            var word = words[i % words.Length] + " ";
            chunks[i] = Encoding.UTF8.GetBytes(
                $$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[{"index":0,"delta":{"content":"{{word}}"},"finish_reason":null}]}""" + "\n\n");
        }

        return chunks;
    }
}
