using System.Net.Http.Headers;
using System.Text;

namespace TruthTable.Bench.FanOut;

/// <summary>POST /api/audits with a short answer and its context (the same text the fake upstream answers).</summary>
public static class DirectAudits
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"query":"What is the capital of the Netherlands?","response":"Amsterdam is the capital of the Netherlands.","context":["Amsterdam is the capital of the Netherlands. It has about 900,000 inhabitants."],"model":"bench"}""");

    public static async Task<bool> PostAsync(HttpClient client, Uri baseUrl, string? requestId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/api/audits"))
        {
            Content = new ByteArrayContent(Body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-ID", requestId);
        }

        try
        {
            using var response = await client.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
