using System.Net.Http.Headers;
using System.Text;

namespace TruthTable.Bench;

/// <summary>The chat completion request every load generator sends (a context to audit against and a question).</summary>
public static class ChatRequests
{
    public const string Path = "/v1/chat/completions";

    public static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"model":"bench-model","messages":[{"role":"system","content":"Amsterdam is the capital of the Netherlands. It has about 900,000 inhabitants."},{"role":"user","content":"What is the capital of the Netherlands?"}]}""");

    public static readonly byte[] StreamBody = Encoding.UTF8.GetBytes(
        """{"model":"bench-model","stream":true,"messages":[{"role":"system","content":"Amsterdam is the capital of the Netherlands. It has about 900,000 inhabitants."},{"role":"user","content":"What is the capital of the Netherlands?"}]}""");

    public static HttpRequestMessage Create(Uri baseUrl, string shape, int gapMs = 0, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, Path))
        {
            Content = new ByteArrayContent(shape == "sse" ? StreamBody : Body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Bench-Shape", shape);
        if (gapMs > 0)
        {
            request.Headers.Add("X-Bench-Gap-Ms", gapMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (requestId is not null)
        {
            request.Headers.Add("X-Request-ID", requestId);
        }

        return request;
    }

    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        MaxConnectionsPerServer = int.MaxValue,
        UseProxy = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };
}
